using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>
/// The embedded result store: one SQLite file (default <c>results.db</c>) in WAL mode with a busy timeout, so
/// several processes on one machine (workers, Slurm array shards) can write it at once; every write is one short
/// immediate transaction, claims included. WAL needs shared memory between the writers, so processes on different
/// nodes must not share the file over NFS: use PostgreSQL for that. The WAL is checkpointed into the file after every
/// run that ends and on <see cref="Dispose"/>, so the file alone (copied without its <c>-wal</c>) holds every ended run.
/// Lease times come from this process's clock: the workers of one SQLite store share a machine. SQLite errors leave
/// as <see cref="ResultStoreException"/> (one line). Thread-safe within a process (one connection, locked), so a
/// heartbeat can renew a lease from a timer while the trainer writes evaluations.
/// </summary>
public sealed partial class SqliteResultStore : IResultStore
{
    public const string DefaultFileName = "results.db";

    /// <summary>How long a write waits for another process's transaction before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(60);

    private readonly SqliteConnection connection;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();

    private SqliteResultStore(string path, SqliteConnection connection, TimeProvider clock)
    {
        Location = path;
        this.connection = connection;
        this.clock = clock;
    }

    public string Location { get; }

    /// <summary>
    /// Opens (creating when missing) the store at <paramref name="path"/>, migrating an older schema. A file that is
    /// not a store, is damaged, or cannot be written is refused with a <see cref="ResultStoreException"/> and left as it was.
    /// </summary>
    public static SqliteResultStore Open(string path, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new ResultStoreException($"results store '{full}' is a folder, not a file; pass --store {Path.Combine(path, DefaultFileName)} or another file name");
        }

        string? folder = Path.GetDirectoryName(full);
        try
        {
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultStoreException($"cannot create the folder '{folder}' for results store '{full}' ({e.Message.TrimEnd('.')}); pass --store PATH in a folder you can write", e);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            CheckWritable(connection, full);
            Execute(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}");
            CheckIntact(connection, full);
            SqliteSchema.CheckIsStore(connection, full);
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = NORMAL");
            Execute(connection, "PRAGMA foreign_keys = ON");
            SqliteSchema.Ensure(connection, full);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Problem(full, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new SqliteResultStore(full, connection, clock ?? TimeProvider.System);
    }

    public RunRecord? GetRun(string id) =>
        Read(() =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = RunRows.Select + " WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using SqliteDataReader reader = command.ExecuteReader();
            return reader.Read() ? ReadRun(reader) : null;
        });

    public IReadOnlyList<RunRecord> ListRuns(string? study = null) =>
        Read<IReadOnlyList<RunRecord>>(() =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = RunRows.Select + (study is null ? "" : " WHERE study = $study") + " ORDER BY study, id";
            if (study is not null)
            {
                command.Parameters.AddWithValue("$study", study);
            }

            using SqliteDataReader reader = command.ExecuteReader();
            return RunRows.ReadAllOrdered(reader, Time);
        });

    public void AddPending(IEnumerable<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Write(transaction => InsertPending(transaction, runs));
    }

    public void StartRun(RunRecord run, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        Write(transaction =>
        {
            if (worker is not null)
            {
                RequireHeld(transaction, run.Id, worker);
            }

            foreach (string table in new[] { "evals", "metrics" })
            {
                using SqliteCommand delete = Command(transaction, $"DELETE FROM {table} WHERE run_id = $id");
                delete.Parameters.AddWithValue("$id", run.Id);
                delete.ExecuteNonQuery();
            }

            // Without a worker the caller owns the store: the run is nobody's claim, and counts as one more attempt.
            using SqliteCommand upsert = Command(transaction, """
                INSERT INTO runs (id, study, config_json, status, started_utc, samples_seen, active_parameters, dense_parameters, attempts)
                VALUES ($id, $study, $config, 'running', $started, 0, $active, $dense, 1)
                ON CONFLICT (id) DO UPDATE SET
                    study = excluded.study,
                    config_json = excluded.config_json,
                    status = 'running',
                    started_utc = excluded.started_utc,
                    finished_utc = NULL,
                    wall_seconds = NULL,
                    samples_seen = 0,
                    active_parameters = excluded.active_parameters,
                    dense_parameters = excluded.dense_parameters,
                    peak_managed_bytes = NULL,
                    train_loss = NULL,
                    test_loss = NULL,
                    test_accuracy = NULL,
                    error = NULL,
                    diverged_step = NULL,
                    claimed_by = CASE WHEN $owned THEN claimed_by END,
                    lease_expires_utc = CASE WHEN $owned THEN lease_expires_utc END,
                    attempts = CASE WHEN $owned THEN attempts ELSE attempts + 1 END
                """);
            upsert.Parameters.AddWithValue("$id", run.Id);
            upsert.Parameters.AddWithValue("$study", run.Study);
            upsert.Parameters.AddWithValue("$config", run.ConfigJson);
            upsert.Parameters.AddWithValue("$started", Now());
            upsert.Parameters.AddWithValue("$active", Db(run.ActiveParameters));
            upsert.Parameters.AddWithValue("$dense", Db(run.DenseParameters));
            upsert.Parameters.AddWithValue("$owned", worker is not null);
            upsert.ExecuteNonQuery();
        });
    }

    public void ResumeRun(string id, long step)
    {
        Write(transaction =>
        {
            using (SqliteCommand update = Command(transaction, """
                UPDATE runs SET status = 'running', finished_utc = NULL, error = NULL,
                    train_loss = NULL, test_loss = NULL, test_accuracy = NULL
                WHERE id = $id
                """))
            {
                update.Parameters.AddWithValue("$id", id);
                RequireOne(update.ExecuteNonQuery(), id);
            }

            foreach (string table in new[] { "evals", "metrics" })
            {
                using SqliteCommand delete = Command(transaction, $"DELETE FROM {table} WHERE run_id = $id AND step > $step");
                delete.Parameters.AddWithValue("$id", id);
                delete.Parameters.AddWithValue("$step", step);
                delete.ExecuteNonQuery();
            }
        });
    }

    public void AppendEval(EvalRecord eval)
    {
        ArgumentNullException.ThrowIfNull(eval);
        Write(transaction =>
        {
            using (SqliteCommand insert = Command(transaction, """
                INSERT OR REPLACE INTO evals (run_id, step, samples_seen, train_loss, test_loss, train_accuracy, test_accuracy, wall_seconds)
                VALUES ($id, $step, $samples, $trainLoss, $testLoss, $trainAccuracy, $testAccuracy, $wall)
                """))
            {
                insert.Parameters.AddWithValue("$id", eval.RunId);
                insert.Parameters.AddWithValue("$step", eval.Step);
                insert.Parameters.AddWithValue("$samples", eval.SamplesSeen);
                insert.Parameters.AddWithValue("$trainLoss", Db(eval.TrainLoss));
                insert.Parameters.AddWithValue("$testLoss", Db(eval.TestLoss));
                insert.Parameters.AddWithValue("$trainAccuracy", Db(eval.TrainAccuracy));
                insert.Parameters.AddWithValue("$testAccuracy", Db(eval.TestAccuracy));
                insert.Parameters.AddWithValue("$wall", eval.WallSeconds);
                try
                {
                    insert.ExecuteNonQuery();
                }
                catch (SqliteException e) when (e.SqliteExtendedErrorCode == 787)
                {
                    throw new InvalidOperationException($"No run '{eval.RunId}' in {Location}; start it before appending evaluations.", e);
                }
            }

            using SqliteCommand progress = Command(transaction,
                "UPDATE runs SET samples_seen = $samples, wall_seconds = $wall WHERE id = $id");
            progress.Parameters.AddWithValue("$id", eval.RunId);
            progress.Parameters.AddWithValue("$samples", eval.SamplesSeen);
            progress.Parameters.AddWithValue("$wall", eval.WallSeconds);
            progress.ExecuteNonQuery();
        });
    }

    public void FinishRun(string id, FinalMetrics final, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(final);
        End(id, worker, """
            UPDATE runs SET status = 'finished', finished_utc = $finished, wall_seconds = $wall,
                samples_seen = $samples, peak_managed_bytes = $peak,
                active_parameters = COALESCE($active, active_parameters),
                train_loss = $trainLoss, test_loss = $testLoss, test_accuracy = $testAccuracy, error = NULL,
                diverged_step = NULL, lease_expires_utc = NULL
            WHERE id = $id
            """, update =>
        {
            update.Parameters.AddWithValue("$wall", final.WallSeconds);
            update.Parameters.AddWithValue("$samples", final.SamplesSeen);
            update.Parameters.AddWithValue("$peak", final.PeakManagedBytes);
            update.Parameters.AddWithValue("$active", Db(final.ActiveParameters));
            update.Parameters.AddWithValue("$trainLoss", Db(final.TrainLoss));
            update.Parameters.AddWithValue("$testLoss", Db(final.TestLoss));
            update.Parameters.AddWithValue("$testAccuracy", Db(final.TestAccuracy));
        });
    }

    public void FailRun(string id, string message, string? worker = null) =>
        End(id, worker, """
            UPDATE runs SET status = 'failed', finished_utc = $finished, error = $error, lease_expires_utc = NULL
            WHERE id = $id
            """, update => update.Parameters.AddWithValue("$error", message));

    public void DivergeRun(string id, long step, string message, string? worker = null) =>
        End(id, worker, """
            UPDATE runs SET status = 'diverged', finished_utc = $finished, error = $error, diverged_step = $step,
                train_loss = NULL, test_loss = NULL, test_accuracy = NULL, lease_expires_utc = NULL
            WHERE id = $id
            """, update =>
        {
            update.Parameters.AddWithValue("$error", message);
            update.Parameters.AddWithValue("$step", step);
        });

    public IReadOnlyList<EvalRecord> GetEvals(string id) =>
        Read<IReadOnlyList<EvalRecord>>(() =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = """
                SELECT step, samples_seen, train_loss, test_loss, train_accuracy, test_accuracy, wall_seconds
                FROM evals WHERE run_id = $id ORDER BY step
                """;
            command.Parameters.AddWithValue("$id", id);
            var evals = new List<EvalRecord>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                evals.Add(new EvalRecord(
                    id,
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    DoubleOrNaN(reader, 2),
                    DoubleOrNaN(reader, 3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4),
                    DoubleOrNaN(reader, 5),
                    reader.GetDouble(6)));
            }

            return evals;
        });

    /// <summary>Checkpoints the WAL into the file (so it alone holds every result), then closes.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                Checkpoint("TRUNCATE");
            }

            connection.Dispose();
        }
    }

    /// <summary>
    /// The run ends: one update (with <c>$id</c> and <c>$finished</c> bound here) of a run that exists and, given a
    /// worker, that the worker holds; then a passive WAL checkpoint so a copy of the file alone has the run.
    /// </summary>
    private void End(string id, string? worker, string sql, Action<SqliteCommand> bind)
    {
        Write(transaction =>
        {
            if (worker is not null)
            {
                RequireHeld(transaction, id, worker);
            }

            using SqliteCommand update = Command(transaction, sql);
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$finished", Now());
            bind(update);
            RequireOne(update.ExecuteNonQuery(), id);
        });
        lock (gate)
        {
            Checkpoint("PASSIVE");
        }
    }

    /// <summary>
    /// Best effort: a checkpoint that cannot run now (readers in other processes, a full disk) leaves the results in the
    /// WAL, where SQLite still finds them; the next write reports a real problem.
    /// </summary>
    private void Checkpoint(string mode)
    {
        try
        {
            Execute(connection, $"PRAGMA wal_checkpoint({mode})");
        }
        catch (SqliteException)
        {
        }
    }

    private string Now() => Text(clock.GetUtcNow());

    /// <summary>Times as fixed-width UTC text, so that SQL compares them in order (lease expiry).</summary>
    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void RequireOne(int rows, string id)
    {
        if (rows != 1)
        {
            throw new InvalidOperationException($"No run '{id}' in {Location}.");
        }
    }
}
