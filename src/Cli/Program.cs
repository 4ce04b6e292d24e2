using System.CommandLine;
using SparseDsl.Experiments;
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
        return ParseErrors.Report(result, root, "sparsedsl", error)
            ?? result.Invoke(new InvocationConfiguration { Output = output, Error = error });
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
