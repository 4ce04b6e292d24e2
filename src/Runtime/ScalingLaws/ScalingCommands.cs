using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace SparseDsl.ScalingLaws;

/// <summary>Runs for a fit, and where they came from (a CSV path, a study's store).</summary>
public sealed record RunSource(IReadOnlyList<ScalingObservation> Runs, string Name);

/// <summary>
/// Builds the <c>fit</c> and <c>report</c> verbs around any source of runs: the sparsedsl tool reads CSV, a
/// generated study program reads its store. Errors become one line on stderr and exit code 2.
/// </summary>
public static class ScalingCommands
{
    /// <summary>Exit code for bad input (a CSV cell, an option value).</summary>
    public const int InputError = 2;

    /// <summary>
    /// <c>fit</c>: fits, prints the constants (Spectre.Console table), writes --json, --plot and --report when given
    /// (--report DIR writes the same report.md and figures as the <c>report</c> verb's --out DIR).
    /// <paramref name="load"/> reads the runs from the parse result (its own options are added by the caller).
    /// </summary>
    public static Command CreateFitCommand(Func<ParseResult, RunSource> load, FitCommandOptions? options = null, string name = "fit")
    {
        options ??= new FitCommandOptions();
        var report = new Option<string?>("--report") { Description = "also write report.md (constants, predictions, figures) into this directory" };
        var command = new Command(name, "Fit a scaling law to runs and print its constants, R², and intervals.");
        options.AddTo(command);
        command.Options.Add(report);
        command.SetAction(result => Guard(result, () =>
        {
            FitSettings settings = options.Read(result);
            RunSource source = load(result);
            FitResult fit = ScalingLawFitter.Fit(settings.Law, source.Runs, settings.Options);
            Print(Console(result), fit, source.Name);
            WriteOutputs(fit, source, settings);
            if (result.GetValue(report) is { } directory)
            {
                string path = FitReport.WriteMarkdown(directory, fit, source.Runs, source.Name);
                result.InvocationConfiguration.Output.WriteLine($"report: {path}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary><c>report</c>: fits, then writes report.md with the figures into --out (plus --json when given).</summary>
    public static Command CreateReportCommand(Func<ParseResult, RunSource> load, FitCommandOptions? options = null, string name = "report")
    {
        options ??= new FitCommandOptions();
        var output = new Option<string>("--out") { Description = "directory for report.md and its figures", Required = true };
        var command = new Command(name, "Fit a scaling law and write a markdown report with the table of constants and the figures.");
        options.AddTo(command);
        command.Options.Add(output);
        command.SetAction(result => Guard(result, () =>
        {
            FitSettings settings = options.Read(result);
            RunSource source = load(result);
            FitResult fit = ScalingLawFitter.Fit(settings.Law, source.Runs, settings.Options);
            Print(Console(result), fit, source.Name);
            WriteOutputs(fit, source, settings);
            string path = FitReport.WriteMarkdown(result.GetValue(output)!, fit, source.Runs, source.Name);
            result.InvocationConfiguration.Output.WriteLine($"report: {path}");
            return 0;
        }));
        return command;
    }

    /// <summary>Writes the fit as a Spectre.Console table of constants followed by the quality figures.</summary>
    public static void Print(IAnsiConsole console, FitResult fit, string source)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title($"{fit.Law.Name} fit of {Markup.Escape(source)}");
        table.AddColumn("constant");
        table.AddColumn(new TableColumn("value").RightAligned());
        if (fit.Intervals is not null)
        {
            table.AddColumn(new TableColumn(string.Create(inv, $"{fit.IntervalLevel:P0} interval")).RightAligned());
        }

        table.AddColumn("status");
        for (int i = 0; i < fit.Law.Parameters.Length; i++)
        {
            string name = fit.Law.Parameters[i].Name;
            string status = fit.Frozen.ContainsKey(name) ? "frozen" : fit.FreeParameters.Contains(name) ? "fitted" : "tied";
            var row = new List<string> { name, fit.Parameters[i].ToString("G7", inv) };
            if (fit.Intervals is not null)
            {
                row.Add(fit.Intervals.FirstOrDefault(iv => iv.Name == name) is { } iv
                    ? string.Create(inv, $"[{iv.Lower:G5}, {iv.Upper:G5}]")
                    : "");
            }

            row.Add(status);
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        console.Write(table);
        console.WriteLine(string.Create(inv, $"objective {fit.Objective:G6}  R² {fit.R2:0.0000}  n {fit.N}") +
            (fit.HoldoutN > 0 ? string.Create(inv, $"  held-out R² {(fit.HoldoutR2 is { } h ? h.ToString("0.0000", inv) : "—")} (n {fit.HoldoutN})") : ""));
        foreach (FlatDirection flat in fit.FlatDirections)
        {
            console.WriteLine("flat direction: " + flat.Description);
        }

        foreach (string note in fit.Notes)
        {
            console.WriteLine("note: " + note);
        }
    }

    /// <summary>Runs a verb body: input errors and I/O failures become one line on stderr and exit code 2.</summary>
    public static int Guard(ParseResult result, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ScalingLawException ex)
        {
            result.InvocationConfiguration.Error.WriteLine($"error: {ex.Message}");
            return InputError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.InvocationConfiguration.Error.WriteLine($"error: {ex.Message} Check the path and its permissions.");
            return InputError;
        }
    }

    private static void WriteOutputs(FitResult fit, RunSource source, FitSettings settings)
    {
        if (settings.JsonPath is { } json)
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(json));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(json, FitReport.ToJson(fit));
        }

        if (settings.PlotDirectory is { } plots)
        {
            ScalingPlots.Write(plots, fit, source.Runs);
        }
    }

    private static IAnsiConsole Console(ParseResult result) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(result.InvocationConfiguration.Output),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
