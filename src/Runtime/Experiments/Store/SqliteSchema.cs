using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>
/// The SQLite schema, created when missing; <c>schema_version</c> holds its version for later migrations. The
/// <c>metrics</c> table is additive (created in a store of the same version that lacks it).
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS runs (
            id                  TEXT PRIMARY KEY,
            study               TEXT NOT NULL,
            config_json         TEXT NOT NULL,
            status              TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed')),
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
            error               TEXT
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

    /// <summary>Creates the tables if missing and checks the version, in one immediate transaction.</summary>
    public static void Ensure(SqliteConnection connection, string path)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        using (SqliteCommand create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = Create;
            create.ExecuteNonQuery();
        }

        using SqliteCommand read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT MAX(version) FROM schema_version";
        object? found = read.ExecuteScalar();
        if (found is null or DBNull)
        {
            read.CommandText = "INSERT INTO schema_version (version) VALUES ($version)";
            read.Parameters.AddWithValue("$version", Version);
            read.ExecuteNonQuery();
        }
        else if (Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture) > Version)
        {
            throw new InvalidOperationException(
                $"{path} has result-store schema version {found}; this SparseDsl reads version {Version}. Use a newer SparseDsl or another --store file.");
        }

        transaction.Commit();
    }
}
