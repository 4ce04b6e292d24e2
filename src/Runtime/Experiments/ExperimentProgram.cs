using System.CommandLine;
using Spectre.Console;

namespace SparseDsl.Experiments;

/// <summary>
/// The generated program's entry point: <c>run</c>, <c>list</c>, <c>report</c> (the results table), <c>fit</c>
/// (a scaling law fitted to the finished runs; <c>fit --report DIR</c> writes the law's report) and <c>slurm</c> (an
/// <c>sbatch</c> job array of <c>run --worker</c> tasks on a shared store) over one study, or
/// over the study named by the first argument when a project declares several.
/// </summary>
/// <remarks>
/// A study's <c>Main</c> is generated and calls <see cref="Run(string[], IReadOnlyList{StudyDefinition})"/>; a user
/// writes none of it and runs <c>dotnet run -- run</c>, <c>dotnet run -- list</c>, <c>dotnet run -- report</c> or
/// <c>dotnet run -- fit</c> (<c>--help</c> on each lists its options). Exit codes: 0 done, 2 a mistake in what was
/// asked (one line on standard error).
/// </remarks>
public static class ExperimentProgram
{
    /// <summary>Parses <paramref name="args"/> and runs the verb over <paramref name="studies"/>, writing to the console.</summary>
    /// <param name="args">The command line (<c>run --steps 30</c>; with several studies, the study's name first).</param>
    /// <param name="studies">The project's studies, as the generator declares them.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, IReadOnlyList<StudyDefinition> studies) => Run(args, studies, Console.Out, Console.Error);

    /// <summary>
    /// The entry point with explicit writers for what System.CommandLine, <c>run</c>, <c>fit</c> and the one-line
    /// notes of <c>report</c> print (tests call this in-process); the tables of <c>list</c> and <c>report</c> and the
    /// interactive progress bars still go to the console.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="studies">The project's studies.</param>
    /// <param name="output">Where help and results go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, IReadOnlyList<StudyDefinition> studies, TextWriter output, TextWriter error) =>
        Run(args, studies, Array.Empty<UnavailableStudy>(), output, error);

    /// <summary>The entry point of a project in which some studies use what this version cannot run yet (SPD401).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="studies">The studies that can run.</param>
    /// <param name="unavailable">The studies that were not generated, with the reason printed when one is asked for.</param>
    /// <returns>The process exit code (2 for an unavailable study).</returns>
    public static int Run(string[] args, IReadOnlyList<StudyDefinition> studies, IReadOnlyList<UnavailableStudy> unavailable) =>
        Run(args, studies, unavailable, Console.Out, Console.Error);

    /// <summary>The entry point with both the unavailable studies and explicit writers.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="studies">The studies that can run.</param>
    /// <param name="unavailable">The studies that were not generated (SPD401).</param>
    /// <param name="output">Where help and results go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, IReadOnlyList<StudyDefinition> studies, IReadOnlyList<UnavailableStudy> unavailable, TextWriter output, TextWriter error)
    {
        try
        {
            var named = args.Length > 0 ? unavailable.FirstOrDefault(u => string.Equals(u.Name, args[0], StringComparison.OrdinalIgnoreCase)) : null;
            if (named is not null || (studies.Count == 0 && unavailable.Count > 0))
            {
                var which = named ?? unavailable[0];
                error.WriteLine($"error: {which.Name} was not generated: {which.Reason} (SPD401).");
                return 2;
            }

            if (studies.Count == 0)
            {
                error.WriteLine("error: this project has no runnable [Experiment]; fix its SPD diagnostics and rebuild.");
                return 2;
            }

            var study = PickStudy(ref args, studies);
            if (study is null)
            {
                error.WriteLine("error: this project declares several studies; name one first: "
                    + string.Join(" | ", studies.Select(s => s.Name)) + " (e.g. `dotnet run -- " + studies[0].Name + " run`).");
                return 2;
            }

            var root = BuildCommand(study, named: studies.Count > 1);
            var parsed = root.Parse(args);
            string program = "dotnet run --" + (studies.Count > 1 ? " " + study.Name : "");
            return ParseErrors.Report(parsed, root, program, error)
                ?? parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
        catch (UserInputException problem)
        {
            error.WriteLine("error: " + problem.Message);
            return 2;
        }
    }

    private static StudyDefinition? PickStudy(ref string[] args, IReadOnlyList<StudyDefinition> studies)
    {
        if (args.Length > 0)
        {
            string first = args[0];
            var named = studies.FirstOrDefault(s => string.Equals(s.Name, first, StringComparison.OrdinalIgnoreCase));
            if (named is not null)
            {
                args = args[1..];
                return named;
            }
        }

        return studies.Count == 1 ? studies[0] : null;
    }

    private static RootCommand BuildCommand(StudyDefinition study, bool named)
    {
        var root = new RootCommand($"{study.Name}: {study.Model.Name} on {study.Data}, {study.Steps} steps of batch {study.Batch}.");
        root.Subcommands.Add(RunCommand.Create(study));
        root.Subcommands.Add(ListCommand.Create(study));
        root.Subcommands.Add(ReportCommand.Create(study));
        root.Subcommands.Add(FitCommand.Create(study));
        root.Subcommands.Add(SlurmCommand.Create(study, named));
        return root;
    }

    internal static Option<string> StoreOption() => new("--store")
    {
        Description = $"Where every run's config and results are kept: an SQLite file, or postgres://USER@HOST[:PORT]/DATABASE (the password from PGPASSWORD or ~/.pgpass); @FILE reads it from FILE's first line. Default: ${ResultStores.EnvironmentVariable}, else {SqliteResultStore.DefaultFileName}.",
        // The password of a URL is never printed: messages show the opened store's Location, which masks it.
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ResultStores.EnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : SqliteResultStore.DefaultFileName,
    };

    /// <summary>Spectre markup off when output is redirected, so logs stay plain text.</summary>
    internal static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}

/// <summary>A problem with what the user asked for: printed as one line, exit code 2, no stack trace.</summary>
/// <param name="message">The line to print after <c>error: </c>.</param>
public sealed class UserInputException(string message) : Exception(message)
{
    /// <summary>The value of a parsed expression, or one line naming <paramref name="what"/>, the text and the column.</summary>
    /// <typeparam name="T">The spec the expression parses to.</typeparam>
    /// <param name="result">The parse result.</param>
    /// <param name="what">What the text is, for the message (<c>optimizer</c>).</param>
    /// <param name="text">The expression as given.</param>
    /// <returns>The parsed value.</returns>
    public static T Parsed<T>(Language.ParseResult<T> result, string what, string text) =>
        result.Success
            ? result.Value!
            : throw new UserInputException($"{what} \"{text}\" does not parse at column {result.Error!.Column}: {result.Error.Message}");
}
