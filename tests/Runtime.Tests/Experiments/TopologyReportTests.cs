using SparseDsl.Experiments;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>Topology updates in the long metrics table, the loss window around them, and <c>report --plot</c>.</summary>
public sealed class TopologyReportTests : IDisposable
{
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public void TopologyMetrics_RoundTripThroughTheStore()
    {
        var random = new Random(4);
        var updates = Enumerable.Range(1, 3).Select(k => new TopologyUpdate(
            k * 100,
            random.NextDouble(),
            random.NextDouble(),
            [new LayerTopologyUpdate("Hidden1", random.NextDouble(), k * 7, k * 7), new LayerTopologyUpdate("Hidden2", random.NextDouble(), 3, 2)])).ToList();
        using IResultStore store = ResultStores.Open(_study.Db);
        FitStudy.Finish(store, "a", 1000, 100, 5000, 2.0);
        foreach (var update in updates)
        {
            store.AppendMetrics("a", update.Step, TopologyMetrics.Of(update));
        }

        store.AppendMetrics("a", 100, [new Metric("train/loss", 1.5)]);
        var read = TopologyMetrics.Read(store.GetMetrics("a"));

        Assert.Equal(updates.Select(u => (u.Step, u.LossBefore, u.LossAfter)), read.Select(u => (u.Step, u.LossBefore, u.LossAfter)));
        Assert.Equal(updates.SelectMany(u => u.Layers), read.SelectMany(u => u.Layers));
        Assert.Single(store.GetMetrics("a", "train/"));
        Assert.Equal(3 * 8, store.GetMetrics("a", TopologyMetrics.Prefix).Count);
    }

    [Fact]
    public void LossAroundUpdates_KeepsTheWindowBeforeAndAfterEachUpdateOnly()
    {
        var written = new SortedDictionary<long, double>();
        var around = new LossAroundUpdates((step, metrics) => written[step] = metrics.Single().Value);
        for (int step = 1; step <= 80; step++)
        {
            around.Step(step, step * 0.5);
            if (step is 20 or 25)
            {
                around.Updated(step);
            }
        }

        around.Flush();
        int w = LossAroundUpdates.Window;
        Assert.Equal(Enumerable.Range(20 - w, 25 + w - (20 - w) + 1).Select(s => (long)s), written.Keys);
        Assert.All(written, pair => Assert.Equal(pair.Key * 0.5, pair.Value));
    }

    [Fact]
    public void ReportPlot_DrawsTheRunsWithUpdatesOnly()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "dynamic", 1000, 100, 5000, 2.0);
            FitStudy.Finish(store, "static", 1000, 100, 5000, 2.1);
            for (int step = 90; step <= 110; step++)
            {
                store.AppendMetrics("dynamic", step, [new Metric(LossAroundUpdates.Name, 2 - step * 0.001)]);
            }

            store.AppendMetrics("dynamic", 100, TopologyMetrics.Of(new TopologyUpdate(100, 1.9, 2.4, [new LayerTopologyUpdate("Hidden1", 0.1, 30, 30)])));
        }

        string folder = _study.PathOf("figures");
        (int code, _, string stderr) = FitStudy.Run("report", "--store", _study.Db, "--plot", folder);

        Assert.True(code == 0, stderr);
        Assert.Equal(["dynamic-updates.png", "dynamic-updates.svg"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.True(new FileInfo(Path.Combine(folder, "dynamic-updates.png")).Length > 5000);
    }

    [Fact]
    public void WindowChange_IsTheMeanOfAfterMinusBeforeOverUpdates()
    {
        var random = new Random(9);
        var metrics = new List<MetricRecord>();
        var updates = new List<TopologyUpdate>();
        double expected = 0;
        foreach (int at in new[] { 100, 200 })
        {
            double before = 0, after = 0;
            for (int step = at - LossAroundUpdates.Window + 1; step <= at + LossAroundUpdates.Window; step++)
            {
                double loss = random.NextDouble();
                metrics.Add(new MetricRecord("r", step, LossAroundUpdates.Name, loss));
                if (step <= at)
                {
                    before += loss;
                }
                else
                {
                    after += loss;
                }
            }

            expected += (after - before) / LossAroundUpdates.Window / 2;
            updates.Add(new TopologyUpdate(at, 1, 1, []));
        }

        Assert.Equal(expected, TopologyReport.WindowChange(updates, metrics), 12);
        Assert.True(double.IsNaN(TopologyReport.WindowChange(updates, [])));
    }
}
