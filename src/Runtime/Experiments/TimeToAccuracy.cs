using System.Globalization;
using Spectre.Console;

namespace SparseDsl.Experiments;

/// <summary>
/// RS2's measure (SCIENCE.md, RS2): per run, the wall time and the samples seen until the first stored evaluation whose
/// test accuracy is at or above a target, beside the run's data regime (U, epochs, D, sampling).
/// </summary>
internal static class TimeToAccuracy
{
    /// <summary>The regime's keys in column order (D has none: it is the run's samples seen); a grid axis among them has its column already.</summary>
    private static readonly string[] RegimeKeys = [Language.GridAxes.UniqueTokens, Language.GridAxes.Epochs, "", Language.GridAxes.Sampling];

    private static IEnumerable<string> RegimeColumns(IReadOnlyList<string> axes) =>
        new[] { "U", "epochs", "D", "sampling" }.Where((_, i) => !axes.Contains(RegimeKeys[i]));

    /// <summary>The first evaluation of <paramref name="evals"/> at or above <paramref name="target"/>, in step order; null when none is.</summary>
    public static EvalRecord? FirstReaching(IEnumerable<EvalRecord> evals, double target) =>
        evals.OrderBy(e => e.Step).FirstOrDefault(e => e.TestAccuracy >= target);

    /// <summary>The table: one row per run, "not reached" where no evaluation reached <paramref name="target"/>.</summary>
    public static Table Table(IResultStore results, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> axes, double target)
    {
        string percent = target.ToString("0.####", CultureInfo.InvariantCulture);
        var table = new Table { Title = new TableTitle(Markup.Escape($"time to test accuracy >= {percent}")) }
            .AddColumns(new[] { "id" }.Concat(axes).Concat(RegimeColumns(axes)).Concat(new[] { "wall s to target", "samples to target", "step" }).ToArray());
        foreach (var run in runs)
        {
            var regime = Regime(run.ConfigJson);
            var reached = FirstReaching(results.GetEvals(run.Id), target);
            string[] timing = reached is null
                ? ["not reached", "", ""]
                : [reached.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture), reached.SamplesSeen.ToString(CultureInfo.InvariantCulture), reached.Step.ToString(CultureInfo.InvariantCulture)];
            string d = (run.Final?.SamplesSeen ?? run.SamplesSeen)?.ToString(CultureInfo.InvariantCulture) ?? "";
            var values = new[] { regime.Unique, regime.Epochs, d, regime.Sampling }.Where((_, i) => !axes.Contains(RegimeKeys[i]));
            table.AddRow(new[] { run.Id }.Concat(ReportCommand.AxisValues(run.ConfigJson, axes)).Concat(values).Concat(timing).Select(Markup.Escape).ToArray());
        }

        return table;
    }

    /// <summary>The terminal for <paramref name="output"/>: the process's own, or a plain wide one for a redirected writer (tests, scripts).</summary>
    public static IAnsiConsole Console(TextWriter output)
    {
        if (ReferenceEquals(output, System.Console.Out))
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        return console;
    }

    /// <summary>U, epochs and sampling as the run's config stores them; "all", "" and "full" where it does not.</summary>
    internal static (string Unique, string Epochs, string Sampling) Regime(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        string Read(string key, string fallback) => root.TryGetProperty(key, out var value) ? value.ToString() : fallback;
        return (Read("unique_tokens", "all"), Read("epochs", ""), Read("sampling", "full"));
    }
}
