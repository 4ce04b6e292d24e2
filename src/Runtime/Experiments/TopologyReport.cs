using System.Globalization;
using ScottPlot;
using Spectre.Console;
using SparseDsl.Training;

namespace SparseDsl.Experiments;

/// <summary>
/// What <c>report</c> shows of dynamic sparsity: per run, a table of its topology updates (loss just before and just
/// after on the same batch, and each layer's density, dropped and grown weights), and with <c>--plot DIR</c> a figure
/// of the training loss around the updates (<c>{run}-updates.png|svg</c>).
/// </summary>
internal static class TopologyReport
{
    /// <summary>Updates shown at each end of a long table unless every one is asked for.</summary>
    public const int EdgeRows = 10;

    public static Table? Table(RunRecord run, string label, IReadOnlyList<TopologyUpdate> updates, IReadOnlyList<MetricRecord> metrics, bool all)
    {
        if (updates.Count == 0)
        {
            return null;
        }

        var layers = updates[0].Layers.Select(l => l.Layer).ToList();
        var table = new Table()
            .Title($"topology updates of {Markup.Escape(run.Id)} ({Markup.Escape(label)}): {updates.Count}; mean jump on the same batch {Number(updates.Average(u => u.LossAfter - u.LossBefore), "+0.0000;-0.0000")}; "
                + $"mean training loss over the {LossAroundUpdates.Window} steps after an update minus the {LossAroundUpdates.Window} before {Number(WindowChange(updates, metrics), "+0.0000;-0.0000")}")
            .Caption("per layer: density after the update, weights dropped (−) and grown (+)")
            .AddColumns(new[] { "step", "loss before", "loss after", "jump" }.Concat(layers).ToArray());
        for (int i = 0; i < updates.Count; i++)
        {
            if (!all && updates.Count > 2 * EdgeRows && i == EdgeRows)
            {
                table.AddRow(new[] { $"… {updates.Count - 2 * EdgeRows} more (--all-updates)" }.Concat(Enumerable.Repeat("", 3 + layers.Count)).ToArray());
                i = updates.Count - EdgeRows;
            }

            var update = updates[i];
            table.AddRow(new[]
            {
                update.Step.ToString(CultureInfo.InvariantCulture),
                Number(update.LossBefore, "0.0000"),
                Number(update.LossAfter, "0.0000"),
                Number(update.LossAfter - update.LossBefore, "+0.0000;-0.0000"),
            }.Concat(layers.Select(name => update.Layers.FirstOrDefault(l => l.Layer == name) is { } l
                ? $"{Number(l.Density, "0.000")} −{l.Dropped} +{l.Grown}"
                : "")).ToArray());
        }

        return table;
    }

    /// <summary>The loss of the steps around each update against steps since it, plus each update's after-loss at 0.</summary>
    public static string Plot(string directory, RunRecord run, string label, IReadOnlyList<TopologyUpdate> updates, IReadOnlyList<MetricRecord> losses)
    {
        Directory.CreateDirectory(directory);
        var plot = new Plot();
        var byStep = losses.Where(m => m.Name == LossAroundUpdates.Name).ToDictionary(m => m.Step, m => m.Value);
        var color = new ScottPlot.Palettes.Category10().GetColor(0).WithAlpha(0.35);
        foreach (var update in updates)
        {
            var window = Enumerable.Range(update.Step - LossAroundUpdates.Window, 2 * LossAroundUpdates.Window + 1)
                .Where(s => byStep.ContainsKey(s)).ToArray();
            if (window.Length > 1)
            {
                var line = plot.Add.ScatterLine(window.Select(s => (double)(s - update.Step)).ToArray(), window.Select(s => byStep[s]).ToArray(), color);
                line.LineWidth = 1;
            }
        }

        // The mean over updates at each offset: the systematic jump stands out of the batch-to-batch noise.
        var offsets = Enumerable.Range(-LossAroundUpdates.Window, 2 * LossAroundUpdates.Window + 1)
            .Select(o => (Offset: o, Losses: updates.Where(u => byStep.ContainsKey(u.Step + o)).Select(u => byStep[u.Step + o]).ToList()))
            .Where(p => p.Losses.Count > 0)
            .ToList();
        if (offsets.Count > 1)
        {
            var mean = plot.Add.ScatterLine(offsets.Select(p => (double)p.Offset).ToArray(), offsets.Select(p => p.Losses.Average()).ToArray(), new ScottPlot.Palettes.Category10().GetColor(0));
            mean.LineWidth = 3;
            mean.LegendText = "mean over the updates";
        }

        var after = plot.Add.ScatterPoints(updates.Select(_ => 0.5).ToArray(), updates.Select(u => u.LossAfter).ToArray(), Colors.Red);
        after.LegendText = "same batch just after the update";
        after.MarkerSize = 4;
        plot.Title($"{run.Id}: training loss around {updates.Count} topology updates\n{label}", size: 13);
        plot.XLabel("steps since the update (the update follows step 0)");
        plot.YLabel("batch training loss");
        plot.ShowLegend();
        string png = Path.Combine(directory, run.Id + "-updates.png");
        plot.SavePng(png, 800, 560);
        plot.SaveSvg(Path.Combine(directory, run.Id + "-updates.svg"), 800, 560);
        return png;
    }

    /// <summary>
    /// The mean over updates of (mean batch loss of the steps after the update) − (mean of the steps up to it): the
    /// spike that follows an update as the regrown weights take their first steps; NaN without the window's losses.
    /// </summary>
    internal static double WindowChange(IReadOnlyList<TopologyUpdate> updates, IReadOnlyList<MetricRecord> metrics)
    {
        var byStep = metrics.Where(m => m.Name == LossAroundUpdates.Name).ToDictionary(m => m.Step, m => m.Value);
        var changes = new List<double>();
        foreach (var update in updates)
        {
            var before = Enumerable.Range(update.Step - LossAroundUpdates.Window + 1, LossAroundUpdates.Window).Where(s => byStep.ContainsKey(s)).Select(s => byStep[s]).ToList();
            var after = Enumerable.Range(update.Step + 1, LossAroundUpdates.Window).Where(s => byStep.ContainsKey(s)).Select(s => byStep[s]).ToList();
            if (before.Count > 0 && after.Count > 0)
            {
                changes.Add(after.Average() - before.Average());
            }
        }

        return changes.Count == 0 ? double.NaN : changes.Average();
    }

    private static string Number(double value, string format) =>
        double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);
}
