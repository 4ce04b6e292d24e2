using System.Globalization;
using Spectre.Console;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>
/// <c>report</c>'s summary over seeds: the finished runs grouped by every grid axis but <c>seed</c>, with the mean
/// and sample standard deviation of test accuracy and loss (the spread a comparison of methods needs).
/// </summary>
internal static class SeedSummary
{
    /// <summary>The table, or null when the grid has no seed axis or no run finished.</summary>
    public static Table? Table(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> axes, Func<string, IReadOnlyList<string>> axisValues)
    {
        int seedAt = axes.ToList().IndexOf(GridAxes.Seed);
        var finished = runs.Where(r => r.Status == RunStatus.Finished && r.Final is not null).ToList();
        if (seedAt < 0 || finished.Count == 0)
        {
            return null;
        }

        var others = axes.Where((_, i) => i != seedAt).ToList();
        var table = new Table()
            .Title("over seeds: mean ± standard deviation")
            .AddColumns(others.Concat(new[] { "runs", "test acc", "test loss", "density", "wall s" }).ToArray());
        var groups = finished
            .GroupBy(r => string.Join("\u0001", axisValues(r.ConfigJson).Where((_, i) => i != seedAt)))
            .OrderBy(g => runs.ToList().IndexOf(g.First()));
        foreach (var group in groups)
        {
            var key = axisValues(group.First().ConfigJson).Where((_, i) => i != seedAt);
            table.AddRow(key.Concat(new[]
            {
                group.Count().ToString(CultureInfo.InvariantCulture),
                Spread(group.Select(r => r.Final!.TestAccuracy), "0.0000"),
                Spread(group.Select(r => r.Final!.TestLoss), "0.0000"),
                group.Average(r => r.DenseParameters > 0 ? (double)r.ActiveParameters.GetValueOrDefault() / r.DenseParameters.Value : double.NaN).ToString("0.000", CultureInfo.InvariantCulture),
                group.Average(r => r.WallSeconds ?? double.NaN).ToString("0.0", CultureInfo.InvariantCulture),
            }).Select(Markup.Escape).ToArray());
        }

        return table;
    }

    /// <summary><c>mean ± sd</c> (sample standard deviation; just the mean for one value).</summary>
    internal static string Spread(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        double mean = list.Average();
        string text = mean.ToString(format, CultureInfo.InvariantCulture);
        if (list.Count < 2)
        {
            return text;
        }

        double sd = Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
        return text + " ± " + sd.ToString(format, CultureInfo.InvariantCulture);
    }
}
