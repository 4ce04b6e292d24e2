using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>
/// The SQLite schema, created when missing; <c>schema_version</c> holds its version and older stores are migrated in
/// place when opened. Version 1 (SparseDsl before claims): no <c>diverged</c> status, no claim columns. Version 2 adds
/// the <c>diverged</c> status with its step, and the claim: <c>claimed_by</c>, <c>lease_expires_utc</c>,
/// <c>attempts</c>. The <c>metrics</c> table is additive (created in a store that lacks it).
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 2;

    private const string RunsColumns = """
            id                  TEXT PRIMARY KEY,
            study               TEXT NOT NULL,
            config_json         TEXT NOT NULL,
            status              TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed', 'diverged')),
            started_utc         TEXT,
            finished_utc        TEXT,
            wall_seconds        REAL,
            samples_seen        INTEGER,
            active_parameters   INTEGER,
            dense_parameters    INTEGER,
            peak_managed_bytes  INTEGER,
            train_loss          REAL,
            test_loss           REAL,
            test_accuracy       REAL,
            error               TEXT,
            diverged_step       INTEGER,
            claimed_by          TEXT,
            lease_expires_utc   TEXT,
            attempts            INTEGER NOT NULL DEFAULT 0
        """;

    private const string Create = $"""
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS runs (
        {RunsColumns}
        );
        CREATE INDEX IF NOT EXISTS runs_by_study ON runs (study, id);
        CREATE TABLE IF NOT EXISTS evals (
            run_id          TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            step            INTEGER NOT NULL,
            samples_seen    INTEGER NOT NULL,
            train_loss      REAL,
            test_loss       REAL,
            train_accuracy  REAL,
            test_accuracy   REAL,
            wall_seconds    REAL NOT NULL,
            PRIMARY KEY (run_id, step)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS metrics (
            run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            step    INTEGER NOT NULL,
            name    TEXT NOT NULL,
            value   REAL,
            PRIMARY KEY (run_id, step, name)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 1 → 2. SQLite cannot widen a CHECK constraint in place, so the runs table is rebuilt (SQLite's own
    /// recipe: new table, copy, drop, rename). Foreign keys must be off meanwhile, or dropping the old table would
    /// cascade and delete every evaluation.
    /// </summary>
    private const string MigrateFrom1 = $"""
        CREATE TABLE runs_v2 (
        {RunsColumns}
        );
        INSERT INTO runs_v2 (id, study, config_json, status, started_utc, finished_utc, wall_seconds, samples_seen,
            active_parameters, dense_parameters, peak_managed_bytes, train_loss, test_loss, test_accuracy, error, attempts)
        SELECT id, study, config_json, status, started_utc, finished_utc, wall_seconds, samples_seen,
            active_parameters, dense_parameters, peak_managed_bytes, train_loss, test_loss, test_accuracy, error,
            CASE status WHEN 'pending' THEN 0 ELSE 1 END
        FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v2 RENAME TO runs;
        CREATE INDEX runs_by_study ON runs (study, id);
        UPDATE schema_version SET version = 2;
        """;

    /// <summary>
    /// Refuses, before anything is written, an SQLite file that holds tables but no <c>schema_version</c>: it is some
    /// other program's database.
    /// </summary>
    public static void CheckIsStore(SqliteConnection connection, string path)
    {
        // One statement, so one snapshot: asked in two, a second process creating the store between them (its tables
        // commit together) made a new store look like another program's database to a `run` started beside it.
        if (Scalar(connection, null,
                "SELECT COUNT(*) > 0 AND SUM(name = 'schema_version') = 0 FROM sqlite_master WHERE type = 'table'") == 1)
        {
            throw new ResultStoreException(
                $"'{path}' is an SQLite database of some other program, not a SparseDsl results store (it has no schema_version table); it was left unchanged; pass --store PATH of a store that `run` wrote, or a new file name");
        }
    }

    /// <summary>
    /// Creates the tables if missing, migrates an older store and checks the version, each in one immediate
    /// transaction (a second process opening the store at the same time waits, then finds it done).
    /// </summary>
    public static void Ensure(SqliteConnection connection, string path)
    {
        long found;
        using (SqliteTransaction transaction = connection.BeginTransaction(deferred: false))
        {
            Execute(connection, transaction, Create);
            found = Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
            if (found == 0)
            {
                Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({Version})");
                found = Version;
            }

            transaction.Commit();
        }

        if (found > Version)
        {
            throw new ResultStoreException(
                $"'{path}' has result-store schema version {found}; this SparseDsl reads version {Version}. Use a newer SparseDsl or another --store file.");
        }

        if (found < Version)
        {
            Migrate(connection, path);
        }
    }

    private static void Migrate(SqliteConnection connection, string path)
    {
        // PRAGMA foreign_keys is a no-op inside a transaction: switch it off around it.
        Execute(connection, null, "PRAGMA foreign_keys = OFF");
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            long version = Scalar(connection, transaction, "SELECT MAX(version) FROM schema_version");
            if (version == 1)
            {
                Execute(connection, transaction, MigrateFrom1);
            }
            else if (version != Version)
            {
                throw new ResultStoreException($"'{path}' has result-store schema version {version}, which this SparseDsl cannot migrate; use the SparseDsl that wrote it");
            }

            if (Scalar(connection, transaction, "SELECT COUNT(*) FROM pragma_foreign_key_check") != 0)
            {
                throw new ResultStoreException($"'{path}': migrating schema version {version} to {Version} would leave evaluations without their run; it was left unchanged");
            }

            transaction.Commit();
        }
        finally
        {
            Execute(connection, null, "PRAGMA foreign_keys = ON");
        }
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
