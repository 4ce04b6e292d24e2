using Npgsql;
using NpgsqlTypes;

namespace SparseDsl.Experiments;

/// <summary>
/// The server result store: a PostgreSQL database named by <c>--store postgres://user@host[:port]/database</c>, for
/// workers on several machines (Slurm nodes) that cannot share an SQLite file. Same tables and results as
/// <see cref="SqliteResultStore"/>; every write is one short transaction, and a claim locks the one row it takes with
/// <c>SELECT … FOR UPDATE SKIP LOCKED</c>, so workers never wait on each other's claims and never both take a run.
/// Lease times come from the injected clock (the workers' clocks must agree to well under a lease; NTP does that), never
/// from the server's. The password (in the URL, <c>PGPASSWORD</c> or <c>~/.pgpass</c>) is never printed:
/// <see cref="Location"/> shows it as <c>***</c>. Server errors leave as one-line <see cref="ResultStoreException"/>s.
/// Thread-safe within a process (one connection, locked), like the SQLite store.
/// </summary>
public sealed partial class PostgresResultStore : IResultStore
{
    private readonly NpgsqlConnection connection;
    private readonly PostgresUrl url;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();

    private PostgresResultStore(PostgresUrl url, NpgsqlConnection connection, TimeProvider clock)
    {
        this.url = url;
        this.connection = connection;
        this.clock = clock;
    }

    /// <summary>The URL with the password shown as <c>***</c>.</summary>
    public string Location => url.Display;

    /// <summary>
    /// Connects to the database <paramref name="url"/> names (<c>postgres://</c> or <c>postgresql://</c>), creating the
    /// schema in an empty database and migrating an older one. A database of some other program, a newer schema, a server
    /// that cannot be reached or refuses the user is a one-line <see cref="ResultStoreException"/> that names the server
    /// (never the password) and what to do.
    /// </summary>
    public static PostgresResultStore Open(string url, TimeProvider? clock = null)
    {
        PostgresUrl parsed = PostgresUrl.Parse(url);
        var connection = new NpgsqlConnection(parsed.Settings.ConnectionString);
        try
        {
            connection.Open();
            PostgresSchema.Ensure(connection, parsed.Display);
        }
        catch (Exception e) when (IsServerError(e))
        {
            connection.Dispose();
            throw Problem(parsed, e, opening: true);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new PostgresResultStore(parsed, connection, clock ?? TimeProvider.System);
    }

    public RunRecord? GetRun(string id) =>
        Read(() =>
        {
            using NpgsqlCommand command = Command(null, RunRows.Select + " WHERE id = @id");
            Text(command, "id", id);
            using NpgsqlDataReader reader = command.ExecuteReader();
            return reader.Read() ? ReadRun(reader) : null;
        });

    public IReadOnlyList<RunRecord> ListRuns(string? study = null) =>
        Read<IReadOnlyList<RunRecord>>(() =>
        {
            using NpgsqlCommand command = Command(null, RunRows.Select + (study is null ? "" : " WHERE study = @study") + " ORDER BY study COLLATE \"C\", id COLLATE \"C\"");
            if (study is not null)
            {
                Text(command, "study", study);
            }

            using NpgsqlDataReader reader = command.ExecuteReader();
            return RunRows.ReadAllOrdered(reader, TimeOrNull);
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

            DeleteRows(transaction, run.Id, afterStep: null);
            // Without a worker the caller owns the store: the run is nobody's claim, and counts as one more attempt.
            using NpgsqlCommand upsert = Command(transaction, """
                INSERT INTO runs (id, study, config_json, status, started_utc, samples_seen, active_parameters, dense_parameters, attempts)
                VALUES (@id, @study, @config, 'running', @started, 0, @active, @dense, 1)
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
                    claimed_by = CASE WHEN @owned THEN runs.claimed_by END,
                    lease_expires_utc = CASE WHEN @owned THEN runs.lease_expires_utc END,
                    attempts = CASE WHEN @owned THEN runs.attempts ELSE runs.attempts + 1 END
                """);
            Text(upsert, "id", run.Id);
            Text(upsert, "study", run.Study);
            Text(upsert, "config", run.ConfigJson);
            Time(upsert, "started", Now());
            Int64(upsert, "active", run.ActiveParameters);
            Int64(upsert, "dense", run.DenseParameters);
            upsert.Parameters.Add(new NpgsqlParameter("owned", NpgsqlDbType.Boolean) { Value = worker is not null });
            upsert.ExecuteNonQuery();
        });
    }

    public void ResumeRun(string id, long step)
    {
        Write(transaction =>
        {
            using (NpgsqlCommand update = Command(transaction, """
                UPDATE runs SET status = 'running', finished_utc = NULL, error = NULL,
                    train_loss = NULL, test_loss = NULL, test_accuracy = NULL
                WHERE id = @id
                """))
            {
                Text(update, "id", id);
                RequireOne(update.ExecuteNonQuery(), id);
            }

            DeleteRows(transaction, id, afterStep: step);
        });
    }

    public void AppendEval(EvalRecord eval)
    {
        ArgumentNullException.ThrowIfNull(eval);
        Write(transaction =>
        {
            using (NpgsqlCommand insert = Command(transaction, """
                INSERT INTO evals (run_id, step, samples_seen, train_loss, test_loss, train_accuracy, test_accuracy, wall_seconds)
                VALUES (@id, @step, @samples, @trainLoss, @testLoss, @trainAccuracy, @testAccuracy, @wall)
                ON CONFLICT (run_id, step) DO UPDATE SET
                    samples_seen = excluded.samples_seen, train_loss = excluded.train_loss, test_loss = excluded.test_loss,
                    train_accuracy = excluded.train_accuracy, test_accuracy = excluded.test_accuracy, wall_seconds = excluded.wall_seconds
                """))
            {
                Text(insert, "id", eval.RunId);
                Int64(insert, "step", eval.Step);
                Int64(insert, "samples", eval.SamplesSeen);
                Double(insert, "trainLoss", eval.TrainLoss);
                Double(insert, "testLoss", eval.TestLoss);
                Double(insert, "trainAccuracy", eval.TrainAccuracy);
                Double(insert, "testAccuracy", eval.TestAccuracy);
                Double(insert, "wall", eval.WallSeconds);
                ExecuteForRun(insert, eval.RunId, "evaluations");
            }

            using NpgsqlCommand progress = Command(transaction,
                "UPDATE runs SET samples_seen = @samples, wall_seconds = @wall WHERE id = @id");
            Text(progress, "id", eval.RunId);
            Int64(progress, "samples", eval.SamplesSeen);
            Double(progress, "wall", eval.WallSeconds);
            progress.ExecuteNonQuery();
        });
    }

    public void FinishRun(string id, FinalMetrics final, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(final);
        End(id, worker, """
            UPDATE runs SET status = 'finished', finished_utc = @finished, wall_seconds = @wall,
                samples_seen = @samples, peak_managed_bytes = @peak,
                active_parameters = COALESCE(@active, active_parameters),
                train_loss = @trainLoss, test_loss = @testLoss, test_accuracy = @testAccuracy, error = NULL,
                diverged_step = NULL, lease_expires_utc = NULL
            WHERE id = @id
            """, update =>
        {
            Double(update, "wall", final.WallSeconds);
            Int64(update, "samples", final.SamplesSeen);
            Int64(update, "peak", final.PeakManagedBytes);
            Int64(update, "active", final.ActiveParameters);
            Double(update, "trainLoss", final.TrainLoss);
            Double(update, "testLoss", final.TestLoss);
            Double(update, "testAccuracy", final.TestAccuracy);
        });
    }

    public void FailRun(string id, string message, string? worker = null) =>
        End(id, worker, """
            UPDATE runs SET status = 'failed', finished_utc = @finished, error = @error, lease_expires_utc = NULL
            WHERE id = @id
            """, update => Text(update, "error", message));

    public void DivergeRun(string id, long step, string message, string? worker = null) =>
        End(id, worker, """
            UPDATE runs SET status = 'diverged', finished_utc = @finished, error = @error, diverged_step = @step,
                train_loss = NULL, test_loss = NULL, test_accuracy = NULL, lease_expires_utc = NULL
            WHERE id = @id
            """, update =>
        {
            Text(update, "error", message);
            Int64(update, "step", step);
        });

    public IReadOnlyList<EvalRecord> GetEvals(string id) =>
        Read<IReadOnlyList<EvalRecord>>(() =>
        {
            using NpgsqlCommand command = Command(null, """
                SELECT step, samples_seen, train_loss, test_loss, train_accuracy, test_accuracy, wall_seconds
                FROM evals WHERE run_id = @id ORDER BY step
                """);
            Text(command, "id", id);
            var evals = new List<EvalRecord>();
            using NpgsqlDataReader reader = command.ExecuteReader();
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

    /// <summary>Closes the connection; every result was committed when its method returned.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            connection.Dispose();
        }
    }

    /// <summary>The run ends: one update (with <c>@id</c> and <c>@finished</c> bound here) of a run that exists and, given a worker, that the worker holds.</summary>
    private void End(string id, string? worker, string sql, Action<NpgsqlCommand> bind)
    {
        Write(transaction =>
        {
            if (worker is not null)
            {
                RequireHeld(transaction, id, worker);
            }

            using NpgsqlCommand update = Command(transaction, sql);
            Text(update, "id", id);
            Time(update, "finished", Now());
            bind(update);
            RequireOne(update.ExecuteNonQuery(), id);
        });
    }

    private void RequireOne(int rows, string id)
    {
        if (rows != 1)
        {
            throw new InvalidOperationException($"No run '{id}' in {Location}.");
        }
    }
}
