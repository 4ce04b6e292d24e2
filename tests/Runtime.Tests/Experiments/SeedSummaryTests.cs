using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>report's summary over seeds: groups by every other axis, mean ± sample standard deviation.</summary>
public sealed class SeedSummaryTests
{
    [Fact]
    public void Spread_IsMeanPlusMinusSampleStandardDeviation()
    {
        var random = new Random(3);
        double[] values = [.. Enumerable.Range(0, 5).Select(_ => random.NextDouble())];
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / 4);

        Assert.Equal(FormattableString.Invariant($"{mean:0.0000} ± {sd:0.0000}"), SeedSummary.Spread(values, "0.0000"));
        Assert.Equal("0.5000", SeedSummary.Spread([0.5], "0.0000"));
    }

    [Fact]
    public void Table_GroupsFinishedRunsByTheOtherAxes_NoSeedAxisNoTable()
    {
        string[] axes = ["schedule", "seed"];
        var runs = new List<RunRecord>();
        foreach (string schedule in new[] { "set", "rigl" })
        {
            for (int seed = 1; seed <= 3; seed++)
            {
                runs.Add(Finished($"{schedule}{seed}", $$"""{"schedule":"{{schedule}}","seed":{{seed}}}""", 0.8 + seed * 0.01));
            }
        }

        runs.Add(new RunRecord { Id = "pending", Study = "S", ConfigJson = """{"schedule":"smet","seed":1}""" });
        IReadOnlyList<string> Values(string json)
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return [.. axes.Select(a => document.RootElement.GetProperty(a).ToString())];
        }

        var table = SeedSummary.Table(runs, axes, Values);

        Assert.NotNull(table);
        Assert.Equal(2, table.Rows.Count);
        Assert.Null(SeedSummary.Table(runs, ["schedule"], json => [Values(json)[0]]));
    }

    [Fact]
    public void AxisValues_ReadUpdateEveryAndDropBackFromTheSchedule()
    {
        string config = """{"schedule":"rigl every=50 drop=0.25 cosine until=75%","sparsity":0.9,"seed":2}""";

        Assert.Equal(["50", "0.25", "0.9", "2", ""], ReportCommand.AxisValues(config, ["update_every", "drop", "sparsity", "seed", "lr"]));
        Assert.Equal(["", ""], ReportCommand.AxisValues("""{"schedule":"static x"}""", ["update_every", "drop"]));
    }

    private static RunRecord Finished(string id, string config, double accuracy) => new()
    {
        Id = id,
        Study = "S",
        ConfigJson = config,
        Status = RunStatus.Finished,
        ActiveParameters = 10,
        DenseParameters = 100,
        WallSeconds = 1,
        Final = new FinalMetrics(0.5, 0.6, accuracy, 1, 100, 1),
    };
}
