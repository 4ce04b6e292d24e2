using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>
/// Stores written before claims existed (schema version 1) open with this version and keep every run, evaluation and
/// metric. <c>TestData/results-v1.db</c> is a store written by that version's QuickStart (see TestData/README.md).
/// </summary>
public sealed class SchemaMigrationTests
{
    /// <summary>Version 1's DDL, verbatim from SqliteSchema before claims.</summary>
    private const string Version1 = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        CREATE TABLE runs (
            id TEXT PRIMARY KEY, study TEXT NOT NULL, config_json TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed')),
            started_utc TEXT, finished_utc TEXT, wall_seconds REAL, samples_seen INTEGER, active_parameters INTEGER,
            dense_parameters INTEGER, peak_managed_bytes INTEGER, train_loss REAL, test_loss REAL, test_accuracy REAL, error TEXT);
        CREATE INDEX runs_by_study ON runs (study, id);
        CREATE TABLE evals (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, step INTEGER NOT NULL, samples_seen INTEGER NOT NULL,
            train_loss REAL, test_loss REAL, train_accuracy REAL, test_accuracy REAL, wall_seconds REAL NOT NULL,
            PRIMARY KEY (run_id, step)) WITHOUT ROWID;
        CREATE TABLE metrics (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, step INTEGER NOT NULL, name TEXT NOT NULL, value REAL,
            PRIMARY KEY (run_id, step, name)) WITHOUT ROWID;
        INSERT INTO schema_version VALUES (1);
        INSERT INTO runs (id, study, config_json, status, started_utc, finished_utc, wall_seconds, samples_seen, active_parameters, dense_parameters, peak_managed_bytes, train_loss, test_loss, test_accuracy)
            VALUES ('done', 'SetMlp', '{"sparsity":0.9}', 'finished', '2026-11-30T10:00:00.000Z', '2026-11-30T10:05:00.000Z', 300, 2560, 100, 1000, 1024, 0.3, 0.4, 0.875);
        INSERT INTO runs (id, study, config_json, status, started_utc, samples_seen) VALUES ('cut', 'SetMlp', '{"sparsity":0.5}', 'running', '2026-11-30T10:06:00.000Z', 128);
        INSERT INTO runs (id, study, config_json, status, error) VALUES ('oom', 'SetMlp', '{}', 'failed', 'out of memory');
        INSERT INTO evals VALUES ('done', 10, 1280, 0.5, 0.6, NULL, 0.7, 150), ('done', 20, 2560, 0.3, 0.4, NULL, 0.875, 300), ('cut', 1, 128, 2, 2, NULL, 0.1, 1);
        INSERT INTO metrics VALUES ('done', 10, 'topology/Hidden1/density', 0.1), ('done', 20, 'topology/Hidden1/density', 0.1);
        """;

    [Fact]
    public void Version1Store_KeepsEveryRunEvaluationAndMetric_AndBecomesVersion2()
    {
        using var folder = new StoreFolder();
        Create(folder.Db, Version1);

        using (SqliteResultStore store = SqliteResultStore.Open(folder.Db))
        {
            RunRecord done = store.GetRun("done")!;
            Assert.Equal(RunStatus.Finished, done.Status);
            Assert.Equal(new FinalMetrics(0.3, 0.4, 0.875, 300, 2560, 1024, 100), done.Final);
            Assert.Equal((1, (string?)null), (done.Attempts, done.Worker));
            Assert.Equal([10L, 20L], store.GetEvals("done").Select(e => e.Step));
            Assert.Equal(2, store.GetMetrics("done").Count);
            Assert.Equal(("out of memory", RunStatus.Failed), (store.GetRun("oom")!.Error, store.GetRun("oom")!.Status));

            // The run an old process left running has no lease: the next worker takes it (and can store a divergence).
            RunClaim claim = store.ClaimNext([StoreFolder.Run("done"), StoreFolder.Run("cut")], "w1", TimeSpan.FromMinutes(1))!;
            Assert.Equal(("cut", 2), (claim.RunId, claim.Attempt));
            store.DivergeRun("cut", 5, "loss became NaN at step 5", "w1");
        }

        Assert.Equal(2L, Scalar(folder.Db, "SELECT version FROM schema_version"));
        Assert.Equal(3L, Scalar(folder.Db, "SELECT COUNT(*) FROM evals"));
        Assert.Equal(0L, Scalar(folder.Db, "SELECT COUNT(*) FROM pragma_foreign_key_check"));
    }

    [Fact]
    public void StoreWrittenByTheVersionBeforeClaims_ReportsItsFinishedRunsAfterOpening()
    {
        using var folder = new StoreFolder();
        File.Copy(Fixture(), folder.Db);

        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);

        IReadOnlyList<RunRecord> runs = store.ListRuns("QuickStudy");
        Assert.Equal(6, runs.Count);
        Assert.Equal(5, runs.Count(r => r.Status == RunStatus.Finished && r.Final is { TestLoss: > 0 }));
        Assert.Equal(RunStatus.Running, store.GetRun("ef4c482f0ed4")!.Status);
        Assert.Equal(30, store.GetEvals("fa940fc0e8b0").Count);
        Assert.Equal(30, store.GetEvals("e16f16d27c04").Count);
    }

    [Fact]
    public void TwoProcessesOpeningAVersion1Store_MigrateItOnce()
    {
        using var folder = new StoreFolder();
        Create(folder.Db, Version1);

        Parallel.For(0, 4, _ =>
        {
            using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
            Assert.Equal(RunStatus.Finished, store.GetRun("done")!.Status);
        });

        Assert.Equal(2L, Scalar(folder.Db, "SELECT version FROM schema_version"));
        Assert.Equal(3L, Scalar(folder.Db, "SELECT COUNT(*) FROM evals"));
    }

    [Fact]
    public void SqliteDatabaseOfAnotherProgram_RefusedAndLeftUnchanged()
    {
        using var folder = new StoreFolder();
        Create(folder.Db, "CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('la');");
        byte[] before = File.ReadAllBytes(folder.Db);

        var error = Assert.Throws<ResultStoreException>(() => SqliteResultStore.Open(folder.Db));

        Assert.Contains("not a SparseDsl results store", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(folder.Db));
        Assert.Equal(0L, Scalar(folder.Db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'"));
    }

    private static void Create(string path, string sql)
    {
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Fixture([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "TestData", "results-v1.db"));
}
