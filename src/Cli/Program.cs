using System.CommandLine;
using SparseDsl.ScalingLaws;

namespace SparseDsl.Cli;

/// <summary>
/// The <c>sparsedsl</c> .NET tool: scaling-law <c>fit</c> and <c>report</c> on any runs CSV, not only SparseDsl's.
/// Bad input prints one line naming the input and the fix and exits with code 2.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The entry point with explicit writers (tests call this in-process).</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        RootCommand root = BuildRoot();
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            string verb = result.CommandResult.Command == root ? "" : " " + result.CommandResult.Command.Name;
            string messages = string.Join(" ", result.Errors.Select(e => e.Message.TrimEnd('.') + ".").Distinct());
            error.WriteLine($"error: {messages} Run 'sparsedsl{verb} --help' for the options.");
            return ScalingCommands.InputError;
        }

        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("sparsedsl: fit, validate, predict and draw scaling laws from a runs CSV.");
        var fitCsv = new CsvSourceOptions();
        Command fit = ScalingCommands.CreateFitCommand(fitCsv.Load);
        fitCsv.AddTo(fit);
        var reportCsv = new CsvSourceOptions();
        Command report = ScalingCommands.CreateReportCommand(reportCsv.Load);
        reportCsv.AddTo(report);
        root.Subcommands.Add(fit);
        root.Subcommands.Add(report);
        return root;
    }
}
