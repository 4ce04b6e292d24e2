using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace SparseDsl.Experiments;

/// <summary><c>report</c>: the table of results; <c>--json PATH</c> writes every run for scripts.</summary>
internal static class ReportCommand
{
    public static Command Create(StudyDefinition study)
    {
        var store = ExperimentProgram.StoreOption();
        var json = new Option<string?>("--json") { Description = "Also write every run's resolved config, status and final metrics to this JSON file." };
        var plot = new Option<string?>("--plot") { Description = "Write a figure of the training loss around each run's topology updates into this folder (PNG and SVG)." };
        var allUpdates = new Option<bool>("--all-updates") { Description = "List every topology update, not the first and last ten." };
        var target = new Option<double?>("--target-accuracy") { Description = "Also show per run the wall time and samples seen until the first evaluation with test accuracy at or above this (0 to 1)." };
        var command = new Command("report", "Show the results stored for this study.") { store, json, plot, allUpdates, target };
        command.SetAction(parse => CommandGuard.Run(parse, () =>
        {
            string path = parse.GetValue(store)!;
            using var results = ResultStores.OpenExisting(path)
                ?? throw new UserInputException($"no results store at '{path}'; run `run` first or pass --store PATH");
            // A server store is named by its Location, which masks a password.
            path = results is SqliteResultStore ? path : results.Location;
            var runs = results.ListRuns(study.Name);
            if (runs.Count == 0)
            {
                parse.InvocationConfiguration.Output.WriteLine($"{path} holds no runs of {study.Name}; `run` trains them (or pass --store PATH of the store that has them)");
                return 0;
            }

            // One column per grid axis: the settings that differ between this study's runs.
            var axes = study.Grid.Select(a => a.Name).ToList();
            var table = new Table().AddColumns(new[] { "id" }.Concat(axes).Concat(new[] { "status", "test acc", "test loss", "density", "wall s" }).ToArray());
            foreach (var run in runs)
            {
                table.AddRow(new[] { run.Id }.Concat(AxisValues(run.ConfigJson, axes)).Concat(new[]
                {
                    Status(run),
                    Format(run.Final?.TestAccuracy, "0.0000"),
                    Format(run.Final?.TestLoss, "0.0000"),
                    run.DenseParameters > 0 ? ((double)run.ActiveParameters.GetValueOrDefault() / run.DenseParameters.Value).ToString("0.000", CultureInfo.InvariantCulture) : "",
                    Format(run.WallSeconds, "0.0"),
                }).Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
            if (SeedSummary.Table(runs, axes, json => AxisValues(json, axes).ToList()) is { } summary)
            {
                AnsiConsole.Write(summary);
            }

            if (!runs.Any(r => r.Status == RunStatus.Finished))
            {
                var states = runs.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
                parse.InvocationConfiguration.Output.WriteLine($"no run of {study.Name} in {path} has finished yet ({string.Join(", ", states)}); `run` trains the rest");
            }

            if (parse.GetValue(target) is double accuracy)
            {
                if (!(accuracy > 0 && accuracy <= 1))
                {
                    throw new UserInputException($"--target-accuracy {accuracy.ToString(CultureInfo.InvariantCulture)} is not a test accuracy in (0, 1]; use e.g. --target-accuracy 0.85");
                }

                TimeToAccuracy.Console(parse.InvocationConfiguration.Output).Write(TimeToAccuracy.Table(results, runs, axes, accuracy));
            }

            WriteTopology(results, runs, axes, parse.GetValue(plot), parse.GetValue(allUpdates));
            string? jsonPath = parse.GetValue(json);
            if (jsonPath is not null)
            {
                ResultExport.WriteJson(results, jsonPath, study.Name);
                Console.WriteLine($"wrote {runs.Count} run(s) to {jsonPath}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Per run with topology updates: its table, and its figure when <paramref name="plotDirectory"/> is given.</summary>
    private static void WriteTopology(IResultStore results, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> axes, string? plotDirectory, bool all)
    {
        foreach (var run in runs)
        {
            var metrics = results.GetMetrics(run.Id);
            var updates = TopologyMetrics.Read(metrics);
            string label = string.Join(" ", axes.Zip(AxisValues(run.ConfigJson, axes), (axis, value) => axis + "=" + value));
            if (TopologyReport.Table(run, label, updates, metrics, all) is { } table)
            {
                AnsiConsole.Write(table);
                if (plotDirectory is not null)
                {
                    Console.WriteLine($"wrote {TopologyReport.Plot(plotDirectory, run, label, updates, metrics)}");
                }
            }
        }
    }

    /// <summary>The status, with the step for a diverged run: <c>diverged at step 17</c>.</summary>
    internal static string Status(RunRecord run) => run.Status == RunStatus.Diverged && run.DivergedStep is { } step
        ? string.Create(CultureInfo.InvariantCulture, $"diverged at step {step}")
        : run.Status.ToString().ToLowerInvariant();

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// Each axis's value in a run's config: its key, or for <c>update_every</c> and <c>drop</c> (which change the schedule
    /// text rather than add a key) the option read back from the run's schedule.
    /// </summary>
    internal static IEnumerable<string> AxisValues(string json, IReadOnlyList<string> axes)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        var schedule = root.TryGetProperty("schedule", out var text) && text.ValueKind == System.Text.Json.JsonValueKind.String
            ? Language.Expressions.ParseSchedule(text.GetString()!).Value
            : null;
        return axes.Select(axis => root.TryGetProperty(axis, out var value) ? value.ToString() : axis switch
        {
            Language.GridAxes.UpdateEvery when schedule is not null => schedule.Every.ToString(CultureInfo.InvariantCulture),
            Language.GridAxes.Drop when schedule is not null => schedule.Drop.ToString("R", CultureInfo.InvariantCulture),
            _ => "",
        }).ToList();
    }
}
