using Microsoft.Data.Sqlite;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

public sealed class SqliteResultStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StartEvalFinish_RoundTrips()
    {
        using var folder = new StoreFolder();
        var clock = new FixedClock(T0);
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, clock);

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

    [Fact]
    public void RestartOfInterruptedRun_ClearsOldEvalsAndResets()
    {
        using var folder = new StoreFolder();
        using (SqliteResultStore crashed = SqliteResultStore.Open(folder.Db))
        {
            crashed.StartRun(StoreFolder.Run("a"));
            crashed.AppendEval(StoreFolder.Eval("a", 10));
            crashed.AppendEval(StoreFolder.Eval("a", 20));
        }

        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        Assert.Equal(RunStatus.Running, store.GetRun("a")!.Status);
        store.StartRun(StoreFolder.Run("a", config: """{"density":0.1}"""));

        Assert.Empty(store.GetEvals("a"));
        RunRecord run = store.GetRun("a")!;
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(0, run.SamplesSeen);
        Assert.Equal("""{"density":0.1}""", run.ConfigJson);
    }

    [Fact]
    public void RestartOfFinishedOrFailedRun_ClearsFinalNumbersAndError()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
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

    [Fact]
    public void ResumeRun_KeepsEvalsUpToTheCheckpoint()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        store.StartRun(StoreFolder.Run("a"));
        foreach (long step in new long[] { 10, 20, 30 })
        {
            store.AppendEval(StoreFolder.Eval("a", step));
        }

        store.ResumeRun("a", step: 20);

        Assert.Equal([10L, 20L], store.GetEvals("a").Select(e => e.Step));
        Assert.Equal(RunStatus.Running, store.GetRun("a")!.Status);
    }

    [Fact]
    public void SecondConnection_SeesCommittedEvalsWhileFirstIsOpen()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore writer = SqliteResultStore.Open(folder.Db);
        writer.StartRun(StoreFolder.Run("a"));
        writer.AppendEval(StoreFolder.Eval("a", 1));

        using SqliteResultStore reader = SqliteResultStore.Open(folder.Db);
        Assert.Single(reader.GetEvals("a"));

        writer.AppendEval(StoreFolder.Eval("a", 2));
        Assert.Equal(2, reader.GetEvals("a").Count);
        Assert.Equal(256, reader.GetRun("a")!.SamplesSeen);
    }

    [Fact]
    public void TwoWritersOnOneFile_LoseNothing()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore first = SqliteResultStore.Open(folder.Db);
        using SqliteResultStore second = SqliteResultStore.Open(folder.Db);
        first.StartRun(StoreFolder.Run("a"));
        second.StartRun(StoreFolder.Run("b"));

        Parallel.Invoke(
            () => { for (int s = 0; s < 100; s++) { first.AppendEval(StoreFolder.Eval("a", s)); } },
            () => { for (int s = 0; s < 100; s++) { second.AppendEval(StoreFolder.Eval("b", s)); } });

        Assert.Equal(100, first.GetEvals("b").Count);
        Assert.Equal(100, second.GetEvals("a").Count);
    }

    [Fact]
    public void ListRuns_FiltersByStudyAndOrdersById()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
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

    [Fact]
    public void FailRun_KeepsMessage()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        store.StartRun(StoreFolder.Run("a"));

        store.FailRun("a", "loss became NaN at step 40");

        RunRecord run = store.GetRun("a")!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("loss became NaN at step 40", run.Error);
        Assert.NotNull(run.FinishedUtc);
    }

    [Fact]
    public void NaNLoss_ReadsBackAsNaN()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        store.StartRun(StoreFolder.Run("a"));

        store.AppendEval(StoreFolder.Eval("a", 1, testLoss: double.NaN));
        store.FinishRun("a", new FinalMetrics(double.NaN, double.NaN, 0.1, 1, 1, 1));

        Assert.True(double.IsNaN(store.GetEvals("a")[0].TestLoss));
        Assert.True(double.IsNaN(store.GetRun("a")!.Final!.TrainLoss));
    }

    [Fact]
    public void UnknownRun_ClearErrors()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);

        Assert.Null(store.GetRun("nope"));
        Assert.Contains("No run 'nope'", Assert.Throws<InvalidOperationException>(() => store.AppendEval(StoreFolder.Eval("nope", 1))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => store.FinishRun("nope", new FinalMetrics(1, 1, 1, 1, 1, 1)));
        Assert.Throws<InvalidOperationException>(() => store.FailRun("nope", "x"));
        Assert.Throws<InvalidOperationException>(() => store.ResumeRun("nope", 1));
    }

    [Fact]
    public void NewFile_IsWalWithSchemaVersion()
    {
        using var folder = new StoreFolder();
        using (SqliteResultStore.Open(folder.Db))
        {
        }

        using var connection = new SqliteConnection($"Data Source={folder.Db};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public void NewerSchema_RefusesToOpen()
    {
        using var folder = new StoreFolder();
        using (SqliteResultStore.Open(folder.Db))
        {
        }

        using (var connection = new SqliteConnection($"Data Source={folder.Db};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<ResultStoreException>(() => SqliteResultStore.Open(folder.Db));
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndedRun_IsInTheFileAlone_WhileTheStoreIsStillOpen()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        store.StartRun(StoreFolder.Run("a"));
        store.AppendEval(StoreFolder.Eval("a", 10));
        store.FinishRun("a", new FinalMetrics(1, 2, 0.5, 10, 100, 1000));
        store.StartRun(StoreFolder.Run("b"));
        store.DivergeRun("b", 7, "loss became NaN at step 7");

        // As a user copies results.db alone (or as a killed process leaves it), without results.db-wal.
        string copy = Path.Combine(folder.Folder, "copy.db");
        File.Copy(folder.Db, copy);

        using SqliteResultStore copied = SqliteResultStore.Open(copy);
        Assert.Equal(2.0, copied.GetRun("a")!.Final!.TestLoss);
        Assert.Single(copied.GetEvals("a"));
        Assert.Equal(7L, copied.GetRun("b")!.DivergedStep);
    }

    [Fact]
    public void CleanClose_CheckpointsTheWal_EvenWithAnotherProcessStillReading()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore reader = SqliteResultStore.Open(folder.Db);
        using (SqliteResultStore writer = SqliteResultStore.Open(folder.Db))
        {
            writer.StartRun(StoreFolder.Run("a"));
            writer.AppendEval(StoreFolder.Eval("a", 10));
        }

        Assert.Equal(0, new FileInfo(folder.Db + "-wal").Length);
        string copy = Path.Combine(folder.Folder, "copy.db");
        File.Copy(folder.Db, copy);
        using SqliteResultStore copied = SqliteResultStore.Open(copy);
        Assert.Equal(RunStatus.Running, copied.GetRun("a")!.Status);
        Assert.Single(copied.GetEvals("a"));
    }

    [Fact]
    public void PostgresLocation_NotBuiltYet()
    {
        Assert.Throws<NotSupportedException>(() => ResultStores.Open("postgres://db/grid"));
    }

    [Fact]
    public void ResultStoresOpen_PathOpensSqlite()
    {
        using var folder = new StoreFolder();
        using IResultStore store = ResultStores.Open(folder.Db);

        Assert.IsType<SqliteResultStore>(store);
        Assert.Equal(folder.Db, store.Location);
    }
}
