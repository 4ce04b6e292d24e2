using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>
/// The store contract (<see cref="IResultStore"/>), written once and run on every store: a derived class says how to
/// make an empty store and open it (<see cref="SqliteStoreContractTests"/>, <see cref="PostgresStoreContractTests"/>).
/// Each test gets its own empty store; tests of one store's own matters (SQLite's WAL and file damage, PostgreSQL's
/// server and URL) live beside it, in the store's own test classes.
/// </summary>
public abstract partial class ResultStoreContract : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    private readonly Lazy<string> store;

    protected ResultStoreContract()
    {
        store = new Lazy<string>(NewStore);
    }

    /// <summary>This test's store, made empty on first use (by whichever thread comes first).</summary>
    protected string Store => store.Value;

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>A new empty store: its location as <c>--store</c> takes it.</summary>
    protected abstract string NewStore();

    /// <summary>A new connection to the store at <paramref name="location"/>, as another process would open it.</summary>
    protected abstract IResultStore Open(string location, TimeProvider? clock);

    /// <summary>A new connection to this test's store.</summary>
    protected IResultStore Open(TimeProvider? clock = null) => Open(Store, clock);

    [StoreFact]
    public void AdoptRun_MovesTheRunWithItsEvaluationsAndMetrics_OnlyFromAnIdThatExistsToOneThatDoesNot()
    {
        var clock = new FixedClock(T0);
        using IResultStore store = Open(clock);
        store.StartRun(StoreFolder.Run("old"));
        store.AppendEval(StoreFolder.Eval("old", 10));
        store.AppendMetrics("old", 10, [new Metric("run/tokens", 640)]);
        store.FinishRun("old", new FinalMetrics(0.4, 0.5, 0.8, 3, 1000, 1 << 20));
        store.StartRun(StoreFolder.Run("taken"));

        Assert.False(store.AdoptRun("absent", "new", "{}"));
        Assert.False(store.AdoptRun("old", "taken", "{}"));
        Assert.True(store.AdoptRun("old", "new", "{\"format\":2}"));

        Assert.Null(store.GetRun("old"));
        RunRecord moved = store.GetRun("new")!;
        Assert.Equal(RunStatus.Finished, moved.Status);
        Assert.Equal("{\"format\":2}", moved.ConfigJson);
        Assert.Equal(0.5, moved.Final!.TestLoss);
        Assert.Equal(T0, moved.StartedUtc);
        Assert.Equal([10L], store.GetEvals("new").Select(e => e.Step));
        Assert.Equal(640, Assert.Single(store.GetMetrics("new")).Value);
        Assert.Empty(store.GetEvals("old"));
        Assert.Equal(["new", "taken"], store.ListRuns().Select(r => r.Id));
    }

    [StoreFact]
    public void StartEvalFinish_RoundTrips()
    {
        var clock = new FixedClock(T0);
        using IResultStore store = Open(clock);

        store.StartRun(StoreFolder.Run("a"));
        RunRecord running = store.GetRun("a")!;
        store.AppendEval(StoreFolder.Eval("a", 10));
        store.AppendEval(StoreFolder.Eval("a", 20));
        clock.Now = T0.AddMinutes(5);
        store.FinishRun("a", new FinalMetrics(0.31, 0.42, 0.875, 300.5, 2560, 123_456_789, ActiveParameters: 900));
        RunRecord done = store.GetRun("a")!;

        Assert.Equal(RunStatus.Running, running.Status);
        Assert.Equal(T0, running.StartedUtc);
        Assert.Null(running.Final);
        Assert.Equal(RunStatus.Finished, done.Status);
        Assert.Equal("SetMlp", done.Study);
        Assert.Equal("""{"density":0.05,"seed":1}""", done.ConfigJson);
        Assert.Equal(T0.AddMinutes(5), done.FinishedUtc);
        Assert.Equal((300.5, 2560L, 123_456_789L, 900L, 20000L), (done.WallSeconds, done.SamplesSeen, done.PeakManagedBytes, done.ActiveParameters, done.DenseParameters));
        Assert.Equal(new FinalMetrics(0.31, 0.42, 0.875, 300.5, 2560, 123_456_789, 900), done.Final);
        Assert.Equal([StoreFolder.Eval("a", 10), StoreFolder.Eval("a", 20)], store.GetEvals("a"));
    }

    [StoreFact]
    public void RestartOfInterruptedRun_ClearsOldEvalsAndResets()
    {
        using (IResultStore crashed = Open())
        {
            crashed.StartRun(StoreFolder.Run("a"));
            crashed.AppendEval(StoreFolder.Eval("a", 10));
            crashed.AppendEval(StoreFolder.Eval("a", 20));
        }

        using IResultStore store = Open();
        Assert.Equal(RunStatus.Running, store.GetRun("a")!.Status);
        store.StartRun(StoreFolder.Run("a", config: """{"density":0.1}"""));

        Assert.Empty(store.GetEvals("a"));
        RunRecord run = store.GetRun("a")!;
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(0, run.SamplesSeen);
        Assert.Equal("""{"density":0.1}""", run.ConfigJson);
    }

    [StoreFact]
    public void RestartOfFinishedOrFailedRun_ClearsFinalNumbersAndError()
    {
        using IResultStore store = Open();
        store.StartRun(StoreFolder.Run("a"));
        store.FailRun("a", "out of memory");
        store.StartRun(StoreFolder.Run("b"));
        store.FinishRun("b", new FinalMetrics(1, 2, 0.5, 10, 100, 1000));

        store.StartRun(StoreFolder.Run("a"));
        store.StartRun(StoreFolder.Run("b"));

        Assert.All(new[] { store.GetRun("a")!, store.GetRun("b")! }, run =>
        {
            Assert.Equal(RunStatus.Running, run.Status);
            Assert.Null(run.Error);
            Assert.Null(run.Final);
            Assert.Null(run.FinishedUtc);
        });
    }

    [StoreFact]
    public void ResumeRun_KeepsEvalsUpToTheCheckpoint()
    {
        using IResultStore store = Open();
        store.StartRun(StoreFolder.Run("a"));
        foreach (long step in new long[] { 10, 20, 30 })
        {
            store.AppendEval(StoreFolder.Eval("a", step));
        }

        store.ResumeRun("a", step: 20);

        Assert.Equal([10L, 20L], store.GetEvals("a").Select(e => e.Step));
        Assert.Equal(RunStatus.Running, store.GetRun("a")!.Status);
    }

    [StoreFact]
    public void SecondConnection_SeesCommittedEvalsWhileFirstIsOpen()
    {
        using IResultStore writer = Open();
        writer.StartRun(StoreFolder.Run("a"));
        writer.AppendEval(StoreFolder.Eval("a", 1));

        using IResultStore reader = Open();
        Assert.Single(reader.GetEvals("a"));

        writer.AppendEval(StoreFolder.Eval("a", 2));
        Assert.Equal(2, reader.GetEvals("a").Count);
        Assert.Equal(256, reader.GetRun("a")!.SamplesSeen);
    }

    [StoreFact]
    public void TwoWritersOnOneStore_LoseNothing()
    {
        using IResultStore first = Open();
        using IResultStore second = Open();
        first.StartRun(StoreFolder.Run("a"));
        second.StartRun(StoreFolder.Run("b"));

        Parallel.Invoke(
            () => { for (int s = 0; s < 100; s++) { first.AppendEval(StoreFolder.Eval("a", s)); } },
            () => { for (int s = 0; s < 100; s++) { second.AppendEval(StoreFolder.Eval("b", s)); } });

        Assert.Equal(100, first.GetEvals("b").Count);
        Assert.Equal(100, second.GetEvals("a").Count);
    }

    [StoreFact]
    public void ListRuns_FiltersByStudyAndOrdersById()
    {
        using IResultStore store = Open();
        store.StartRun(StoreFolder.Run("c1"));
        store.StartRun(StoreFolder.Run("a1", study: "Other"));
        store.StartRun(StoreFolder.Run("b2"));
        store.FinishRun("b2", new FinalMetrics(1, 1, 0.1, 1, 1, 1));
        store.AddPending([StoreFolder.Run("a9"), StoreFolder.Run("b2")]);

        IReadOnlyList<RunRecord> set = store.ListRuns("SetMlp");

        Assert.Equal(["a9", "b2", "c1"], set.Select(r => r.Id));
        Assert.Equal([RunStatus.Pending, RunStatus.Finished, RunStatus.Running], set.Select(r => r.Status));
        Assert.Equal(["Other", "SetMlp", "SetMlp", "SetMlp"], store.ListRuns().Select(r => r.Study));
        Assert.Contains(store.ListRuns("SetMlp"), r => r.Status == RunStatus.Finished && r.Final is not null);
    }

    [StoreFact]
    public void FailRun_KeepsMessage()
    {
        using IResultStore store = Open();
        store.StartRun(StoreFolder.Run("a"));

        store.FailRun("a", "loss became NaN at step 40");

        RunRecord run = store.GetRun("a")!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("loss became NaN at step 40", run.Error);
        Assert.NotNull(run.FinishedUtc);
    }

    [StoreFact]
    public void NaNLoss_ReadsBackAsNaN()
    {
        using IResultStore store = Open();
        store.StartRun(StoreFolder.Run("a"));

        store.AppendEval(StoreFolder.Eval("a", 1, testLoss: double.NaN));
        store.FinishRun("a", new FinalMetrics(double.NaN, double.NaN, 0.1, 1, 1, 1));

        Assert.True(double.IsNaN(store.GetEvals("a")[0].TestLoss));
        Assert.True(double.IsNaN(store.GetRun("a")!.Final!.TrainLoss));
    }

    [StoreFact]
    public void UnknownRun_ClearErrors()
    {
        using IResultStore store = Open();

        Assert.Null(store.GetRun("nope"));
        Assert.Contains("No run 'nope'", Assert.Throws<InvalidOperationException>(() => store.AppendEval(StoreFolder.Eval("nope", 1))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => store.FinishRun("nope", new FinalMetrics(1, 1, 1, 1, 1, 1)));
        Assert.Throws<InvalidOperationException>(() => store.FailRun("nope", "x"));
        Assert.Throws<InvalidOperationException>(() => store.ResumeRun("nope", 1));
    }

    [StoreFact]
    public void Metrics_ReplaceTheSameStepAndName_AndFilterByAnOrdinalPrefix()
    {
        using IResultStore store = Open();
        store.StartRun(StoreFolder.Run("a"));
        store.AppendMetrics("a", 20, [new Metric("topology/Hidden1/density", 0.05), new Metric("topology/Hidden1/drop", 12)]);
        store.AppendMetrics("a", 10, [new Metric("topology/Hidden1/density", 0.1), new Metric("loss", double.NaN), new Metric("topology/H_%", 1)]);
        store.AppendMetrics("a", 20, [new Metric("topology/Hidden1/drop", 13)]);

        IReadOnlyList<MetricRecord> all = store.GetMetrics("a");
        Assert.Equal(
            [(10L, "loss"), (10L, "topology/H_%"), (10L, "topology/Hidden1/density"), (20L, "topology/Hidden1/density"), (20L, "topology/Hidden1/drop")],
            all.Select(m => (m.Step, m.Name)));
        Assert.True(double.IsNaN(all[0].Value));
        Assert.Equal(13.0, all[4].Value);
        Assert.Equal(["topology/H_%"], store.GetMetrics("a", "topology/H_").Select(m => m.Name));
        Assert.Equal(3, store.GetMetrics("a", "topology/Hidden1/").Count);

        store.ResumeRun("a", step: 10);
        Assert.Equal([10L, 10L, 10L], store.GetMetrics("a").Select(m => m.Step));
        store.StartRun(StoreFolder.Run("a"));
        Assert.Empty(store.GetMetrics("a"));
        Assert.Contains("No run 'nope'", Assert.Throws<InvalidOperationException>(() => store.AppendMetrics("nope", 1, [new Metric("x", 1)])).Message, StringComparison.Ordinal);
    }
}
