using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>A generated model trained with each dynamic schedule on the CPU: topology moves, counts hold, runs repeat.</summary>
public sealed class DynamicSparsityTests
{
    private const int Steps = 120;

    private static readonly Dataset Data = SyntheticData.Create(new SyntheticOptions(Seed: 4, Features: 19, Classes: 4));

    [Theory]
    [InlineData("set every=20 drop=0.3")]
    [InlineData("rigl every=20 drop=0.3 cosine until=75%")]
    [InlineData("smet every=20")]
    public void DropAndGrow_KeepEveryLayersCount_MoveTheMask_LossFalls(string schedule)
    {
        var (network, updates, losses) = Train(schedule, seed: 3);
        var initial = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 3));

        Assert.NotEmpty(updates);
        foreach (var (layer, start) in Linears(network).Zip(Linears(initial)))
        {
            Assert.Equal(start.ActiveWeights, layer.ActiveWeights);
            if (layer.Plan.TargetDensity < 1)
            {
                Assert.NotEqual(start.Weight.Format.ActiveUnits(), layer.Weight.Format.ActiveUnits());
            }
        }

        foreach (var update in updates)
        {
            Assert.All(update.Layers, l => Assert.Equal(l.Dropped, l.Grown));
            Assert.True(double.IsFinite(update.LossBefore) && double.IsFinite(update.LossAfter));
        }

        Assert.Contains(updates.SelectMany(u => u.Layers), l => l.Dropped > 0);
        Assert.True(losses.Skip(Steps - 20).Average() < 0.8 * losses.Take(20).Average(), $"loss did not fall: {losses.Take(20).Average()} → {losses.Skip(Steps - 20).Average()}");
    }

    [Fact]
    public void FixedSeed_SameMasksAndLossesRunToRun()
    {
        var (a, updatesA, lossesA) = Train("rigl every=15", seed: 5);
        var (b, updatesB, lossesB) = Train("rigl every=15", seed: 5);
        var (c, _, _) = Train("rigl every=15", seed: 6);

        Assert.Equal(lossesA, lossesB);
        Assert.Equal(updatesA.Select(u => u.LossAfter), updatesB.Select(u => u.LossAfter));
        foreach (var (x, y) in Linears(a).Zip(Linears(b)))
        {
            Assert.Equal(x.Weight.Format.ActiveUnits(), y.Weight.Format.ActiveUnits());
            Assert.Equal(x.ToDenseWeights(), y.ToDenseWeights());
        }

        Assert.NotEqual(Linears(a)[0].Weight.Format.ActiveUnits(), Linears(c)[0].Weight.Format.ActiveUnits());
    }

    [Fact]
    public void Gmp_StartsDense_ReachesEachLayersTargetExactlyAtEnd()
    {
        var spec = Expressions.ParseSchedule("gmp from=0 to=0.6 every=10 start=10% end=80%").Value!;
        var initial = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 2, Schedule: spec));
        Assert.All(Linears(initial), l => Assert.Equal(l.DenseWeights, l.ActiveWeights));

        var (network, updates, _) = Train("gmp from=0 to=0.6 every=10 start=10% end=80%", seed: 2);

        int end = (int)Math.Round(0.8 * Steps);
        Assert.Equal(end, updates[^1].Step);
        foreach (var layer in Linears(network))
        {
            long target = ModelShapes.ActiveWeights(layer.DenseWeights, layer.Plan.TargetDensity);
            Assert.Equal(target, layer.ActiveWeights);
            if (layer.Plan.TargetDensity < 1)
            {
                // density falls monotonically from update to update and never below the target
                var densities = updates.Select(u => u.Layers.Single(l => l.Layer == layer.Name).Density).ToList();
                Assert.Equal(densities.OrderByDescending(d => d), densities);
                Assert.Equal(layer.Density, densities[^1], 12);
            }
        }

        // Hidden2's own [Sparse("unstructured", 0.7)] is pruned from dense too, to its own target.
        Assert.Equal(ModelShapes.ActiveWeights(23 * 17, 0.3), network.Hidden2.ActiveWeights);
    }

    [Fact]
    public void StudyRunner_Gmp_StoresTheActiveCountAtTheEnd()
    {
        var expected = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 1)).Layers.Sum(l => l.ActiveWeights);
        RunOnePoint("gmp from=0 to=0.6 every=10 start=0 end=50%", (store, id) =>
        {
            var run = store.GetRun(id)!;
            Assert.Equal(expected, run.ActiveParameters);
            Assert.True(run.ActiveParameters < run.DenseParameters);
        });
    }

    [Fact]
    public void StudyRunner_StoresEveryUpdateInTheMetricsTable() =>
        RunOnePoint("set every=20", (store, id) =>
        {
            var updates = TopologyMetrics.Read(store.GetMetrics(id));
            Assert.Equal([20, 40], updates.Select(u => u.Step));
            Assert.All(updates, u => Assert.Equal(["Hidden1", "Hidden2", "Hidden3"], u.Layers.Select(l => l.Layer)));
            Assert.All(updates.SelectMany(u => u.Layers), l => Assert.True(l.Dropped > 0 && l.Dropped == l.Grown));
        });

    /// <summary>Runs CheckMlp's one point (60 steps, seed 1) under <paramref name="schedule"/> into a temporary store, then checks it.</summary>
    private static void RunOnePoint(string schedule, Action<IResultStore, string> check)
    {
        var study = new StudyDefinition(
            "DynamicStudy", CheckMlp.Spec, "synthetic", Steps: 60, Batch: 32, EvalEvery: 30,
            Optimizer: "adamw lr=1e-2", Schedule: schedule,
            Grid: [new GridAxisText("seed", "1")],
            CreateNetwork: options => new CheckMlp(options));
        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-dst-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using var store = ResultStores.Open(path);
            var point = StudyPlan.Resolve(study).Single();
            new StudyRunner(study, store, Data).Run(point);
            check(store, point.Id);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static Linear[] Linears(CheckMlp network) => [.. network.Layers.OfType<Linear>()];

    private static (CheckMlp Network, List<TopologyUpdate> Updates, List<double> Losses) Train(string schedule, int seed)
    {
        var spec = Expressions.ParseSchedule(schedule).Value!;
        var optimizer = Expressions.ParseOptimizer(spec.Kind == ScheduleKind.Smet ? "adamw lr=1e-2 moment-warmup=10 density-lr=1" : "adamw lr=1e-2").Value!;
        var network = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, seed, Schedule: spec));
        var updates = new List<TopologyUpdate>();
        var losses = new List<double>();
        var settings = new TrainingSettings(Steps, Batch: 32, EvalEvery: Steps, optimizer, Loss.SoftmaxCrossEntropy, seed, spec);
        new Trainer(network, Data, settings) { StepCompleted = (_, loss) => losses.Add(loss), TopologyUpdated = updates.Add }.Run();
        return (network, updates, losses);
    }
}
