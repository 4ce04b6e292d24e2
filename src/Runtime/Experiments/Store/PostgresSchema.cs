using System.Globalization;
using Npgsql;

namespace SparseDsl.Experiments;

/// <summary>
/// The PostgreSQL schema, in the database's current schema (<c>public</c> unless the URL sets <c>search_path</c>), as
/// numbered migrations: <see cref="Migrations"/>[<c>v - 1</c>] takes a store from version <c>v - 1</c> to <c>v</c>, and
/// <c>schema_version</c> holds the version reached. Version 1 is the SQLite store's schema (its version 2: runs with the
/// claim columns, evaluations, the long metrics table) in PostgreSQL types: times as <c>timestamptz</c>, losses as
/// <c>double precision</c> (NaN stored as NULL, as in SQLite). Opening takes a transaction-scoped advisory lock, so
/// workers opening an empty database at once create the schema once and the others wait, then find it made.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The version this SparseDsl writes: the number of <see cref="Migrations"/>.</summary>
    public static int Version => Migrations.Length;

    /// <summary>The advisory-lock key that serializes schema creation and migration (per database).</summary>
    private const long SchemaLock = 0x5370_4473_6C53_746F; // "SpDsLSto"

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE schema_version (
            version integer NOT NULL
        );
        INSERT INTO schema_version (version) VALUES (0);
        CREATE TABLE runs (
            id                  text PRIMARY KEY,
            study               text NOT NULL,
            config_json         text NOT NULL,
            status              text NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed', 'diverged')),
            started_utc         timestamptz,
            finished_utc        timestamptz,
            wall_seconds        double precision,
            samples_seen        bigint,
            active_parameters   bigint,
            dense_parameters    bigint,
            peak_managed_bytes  bigint,
            train_loss          double precision,
            test_loss           double precision,
            test_accuracy       double precision,
            error               text,
            diverged_step       bigint,
            claimed_by          text,
            lease_expires_utc   timestamptz,
            attempts            integer NOT NULL DEFAULT 0
        );
        CREATE INDEX runs_by_study ON runs (study, id);
        CREATE TABLE evals (
            run_id          text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            step            bigint NOT NULL,
            samples_seen    bigint NOT NULL,
            train_loss      double precision,
            test_loss       double precision,
            train_accuracy  double precision,
            test_accuracy   double precision,
            wall_seconds    double precision NOT NULL,
            PRIMARY KEY (run_id, step)
        );
        CREATE TABLE metrics (
            run_id  text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            step    bigint NOT NULL,
            name    text NOT NULL,
            value   double precision,
            PRIMARY KEY (run_id, step, name)
        );
        """,
    ];

    /// <summary>
    /// In one transaction under the advisory lock: refuses a database that holds tables but no <c>schema_version</c> (some
    /// other program's; left unchanged) or a newer version, creates the schema in an empty one, and migrates an older one.
    /// </summary>
    public static void Ensure(NpgsqlConnection connection, string location)
    {
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaLock})");
        var tables = new List<string>();
        using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name", connection, transaction))
        using (NpgsqlDataReader reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        int found = 0;
        if (tables.Contains("schema_version"))
        {
            using var version = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction);
            found = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        else if (tables.Count > 0)
        {
            string some = string.Join(", ", tables.Take(3)) + (tables.Count > 3 ? ", …" : "");
            throw new ResultStoreException(
                $"{location} is a PostgreSQL database of some other program, not a SparseDsl results store (it has tables {some} but no schema_version); it was left unchanged; pass --store with an empty database (createdb NAME) or one that `run` wrote");
        }

        if (found > Version)
        {
            throw new ResultStoreException(
                $"{location} has result-store schema version {found}; this SparseDsl reads version {Version}. Use a newer SparseDsl or another database.");
        }

        for (int next = found + 1; next <= Version; next++)
        {
            Execute(connection, transaction, Migrations[next - 1]);
            Execute(connection, transaction, $"UPDATE schema_version SET version = {next}");
        }

        transaction.Commit();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
