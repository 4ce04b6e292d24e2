using SparseDsl.Experiments;
using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>What a stored run becomes for a scaling-law fit, and which runs are left out.</summary>
public sealed class StoreObservationsTests : IDisposable
{
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public void FinishedRun_MapsCountsAndLossToTheCsvColumnNames()
    {
        var rng = new Random(Random.Shared.Next());
        long dense = rng.NextInt64(1_000, 10_000_000);
        long active = rng.NextInt64(1, dense + 1);
        long samples = rng.NextInt64(1, 1_000_000_000);
        double loss = 0.1 + 3 * rng.NextDouble();
        double unique = 1 + rng.Next(100_000);
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "run", dense, active, samples, loss, seed: 7);
        }

        using IResultStore reader = ResultStores.Open(_study.Db);
        ScalingObservation o = StoreObservations.Read(reader, FitStudy.Name, unique).Runs.Single();

        Assert.Equal("run", o.Id);
        Assert.Equal(dense, o.Params);
        Assert.Equal(active, o.ResolvedActiveParams);
        Assert.Equal((double)active / dense, o.ResolvedDensity, 1e-15);
        Assert.Equal(samples, o.Tokens);
        Assert.Equal(unique, o.UniqueTokens);
        Assert.Equal(loss, o.Loss);
        IReadOnlyDictionary<string, double> c = o.Columns!;
        Assert.Equal(dense, c["params"]);
        Assert.Equal(active, c["active_params"]);
        Assert.Equal((double)active / dense, c["density"], 1e-15);
        Assert.Equal(samples, c["tokens"]);
        Assert.Equal(samples, c["samples_seen"]);
        Assert.Equal(unique, c["unique_tokens"]);
        Assert.Equal(loss, c["loss"]);
        Assert.Equal(loss, c["test_loss"]);
        Assert.Equal(loss * 0.9, c["train_loss"], 1e-12);
        Assert.Equal(7, c["seed"]);
        Assert.Equal(1.0 - (double)active / dense, c["sparsity"], 1e-15);
    }

    [Fact]
    public void RunWithItsOwnUniqueBudget_KeepsItsU_OthersTakeTheDefault()
    {
        var rng = new Random(Random.Shared.Next());
        long budget = rng.NextInt64(100, 50_000);
        double fallback = 60_000;
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "whole", 1000, 500, 90_000, 2.0);
            string config = string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""{"study":"{{FitStudy.Name}}","sparsity":0.5,"seed":1,"unique_tokens":{{budget}},"epochs":4}""");
            store.StartRun(new RunRecord { Id = "budget", Study = FitStudy.Name, ConfigJson = config, ActiveParameters = 500, DenseParameters = 1000 });
            store.FinishRun("budget", new FinalMetrics(TrainLoss: 1.9, TestLoss: 2.1, TestAccuracy: 0.5, WallSeconds: 1, SamplesSeen: budget * 4, PeakManagedBytes: 1));
        }

        using IResultStore reader = ResultStores.Open(_study.Db);
        var runs = StoreObservations.Read(reader, FitStudy.Name, fallback).Runs.ToDictionary(r => r.Id!);

        Assert.Equal(budget, runs["budget"].UniqueTokens);
        Assert.Equal(budget, runs["budget"].Columns!["unique_samples"]);
        Assert.Equal(budget * 4, runs["budget"].Tokens);
        Assert.Equal(fallback, runs["whole"].UniqueTokens);
    }

    [Fact]
    public void Holdout_CanNameConfigAxesAndStoreColumns()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "dense-1", 1000, 1000, 5000, 2.0, seed: 1);
            FitStudy.Finish(store, "dense-2", 1000, 1000, 5000, 2.1, seed: 2);
            FitStudy.Finish(store, "sparse-1", 1000, 250, 5000, 2.4, seed: 1);
            FitStudy.Finish(store, "sparse-2", 1000, 250, 9000, 2.3, seed: 2);
        }

        using IResultStore reader = ResultStores.Open(_study.Db);
        IReadOnlyList<ScalingObservation> runs = StoreObservations.Read(reader, FitStudy.Name, 2048).Runs;

        string[] HeldOut(string text)
        {
            bool[] mask = HoldoutPredicate.Parse(text).Evaluate(runs);
            return runs.Where((_, i) => mask[i]).Select(r => r.Id!).ToArray();
        }

        Assert.Equal(["sparse-1", "sparse-2"], HeldOut("sparsity>0.5"));
        Assert.Equal(["dense-2", "sparse-2"], HeldOut("seed==2"));
        Assert.Equal(["sparse-2"], HeldOut("samples_seen==max"));
        Assert.Equal(["sparse-2"], HeldOut("epochs>4"));
        Assert.Equal(["dense-1", "dense-2"], HeldOut("density==1 && test_loss<2.2"));
    }

    [Fact]
    public void UnusableRuns_AreSkippedWithTheReason_AndStatesCounted()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "good", 1000, 1000, 5000, 2.0);
            FitStudy.Finish(store, "nan", 1000, 1000, 5000, double.NaN);
            FitStudy.Finish(store, "idle", 1000, 1000, 0, 2.0);
            store.StartRun(new RunRecord { Id = "nocount", Study = FitStudy.Name, ConfigJson = "{}" });
            store.FinishRun("nocount", new FinalMetrics(1, 1, 0.5, 1, 100, 0));
            store.StartRun(new RunRecord { Id = "running", Study = FitStudy.Name, ConfigJson = "{}", ActiveParameters = 1, DenseParameters = 1 });
            store.AddPending([new RunRecord { Id = "later", Study = FitStudy.Name, ConfigJson = "{}" }]);
        }

        using IResultStore reader = ResultStores.Open(_study.Db);
        StoreRuns read = StoreObservations.Read(reader, FitStudy.Name, 2048);

        Assert.Equal(["good"], read.Runs.Select(r => r.Id));
        Assert.Equal(
            ["idle: it saw no samples", "nan: its test loss is NaN (diverged or not measured)", "nocount: its dense parameter count is missing"],
            read.Skipped);
        Assert.Equal(4, read.Count(RunStatus.Finished));
        Assert.Equal(1, read.Count(RunStatus.Running));
        Assert.Equal(1, read.Count(RunStatus.Pending));
        Assert.Equal(0, read.Count(RunStatus.Failed));
    }
}
