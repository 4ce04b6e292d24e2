using Npgsql;
using NpgsqlTypes;

namespace SparseDsl.Experiments;

/// <summary>
/// Claims, with the same lease rule as <see cref="SqliteResultStore"/>. PostgreSQL does not serialize transactions as
/// SQLite does, so a claim locks the row it takes (<c>FOR UPDATE SKIP LOCKED</c>: a row another worker is claiming or
/// writing is passed over, not waited for), and the writes of a worker lock their run while they check its claim.
/// </summary>
public sealed partial class PostgresResultStore
{
    /// <summary>Who may claim a run at <c>@now</c>: pending and failed runs, and running ones without a live lease.</summary>
    private const string Claimable = """
        (status IN ('pending', 'failed') OR (status = 'running' AND (lease_expires_utc IS NULL OR lease_expires_utc <= @now)))
        """;

    public RunClaim? ClaimNext(IReadOnlyList<RunRecord> candidates, string worker, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentException.ThrowIfNullOrEmpty(worker);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "a lease must be positive");
        }

        RunClaim? claim = null;
        Write(transaction =>
        {
            InsertPending(transaction, candidates);
            DateTimeOffset now = Now();
            string id;
            string? previous;
            // The first claimable candidate in the caller's order that no other transaction has locked; only that row is locked.
            using (NpgsqlCommand select = Command(transaction, $"""
                SELECT id, claimed_by, status FROM runs
                WHERE id = ANY (@ids) AND {Claimable}
                ORDER BY array_position(@ids, id)
                LIMIT 1
                FOR UPDATE SKIP LOCKED
                """))
            {
                select.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(c => c.Id).ToArray() });
                Time(select, "now", now);
                using NpgsqlDataReader reader = select.ExecuteReader();
                if (!reader.Read())
                {
                    return;
                }

                id = reader.GetString(0);
                // A previous worker is taken over only from a running run: a failed one ended on its own.
                previous = reader.GetString(2) == "running" && !reader.IsDBNull(1) ? reader.GetString(1) : null;
            }

            DateTimeOffset until = now + lease;
            using NpgsqlCommand update = Command(transaction, """
                UPDATE runs SET status = 'running', claimed_by = @worker, lease_expires_utc = @until, attempts = attempts + 1,
                    started_utc = @now, finished_utc = NULL, error = NULL, diverged_step = NULL
                WHERE id = @id
                RETURNING attempts
                """);
            Text(update, "id", id);
            Text(update, "worker", worker);
            Time(update, "until", until);
            Time(update, "now", now);
            int attempt = Convert.ToInt32(update.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            claim = new RunClaim(id, worker, until, attempt, previous);
        });
        return claim;
    }

    public bool RenewLease(string id, string worker, TimeSpan lease)
    {
        int rows = 0;
        Write(transaction =>
        {
            using NpgsqlCommand update = Command(transaction,
                "UPDATE runs SET lease_expires_utc = @until WHERE id = @id AND claimed_by = @worker AND status = 'running'");
            Text(update, "id", id);
            Text(update, "worker", worker);
            Time(update, "until", Now() + lease);
            rows = update.ExecuteNonQuery();
        });
        return rows == 1;
    }

    public void ReleaseClaim(string id, string worker)
    {
        Write(transaction =>
        {
            using NpgsqlCommand update = Command(transaction,
                "UPDATE runs SET lease_expires_utc = NULL WHERE id = @id AND claimed_by = @worker AND status = 'running'");
            Text(update, "id", id);
            Text(update, "worker", worker);
            update.ExecuteNonQuery();
        });
    }

    public void AppendMetrics(string id, long step, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Write(transaction =>
        {
            foreach (Metric metric in metrics)
            {
                using NpgsqlCommand insert = Command(transaction, """
                    INSERT INTO metrics (run_id, step, name, value) VALUES (@id, @step, @name, @value)
                    ON CONFLICT (run_id, step, name) DO UPDATE SET value = excluded.value
                    """);
                Text(insert, "id", id);
                Int64(insert, "step", step);
                Text(insert, "name", metric.Name);
                Double(insert, "value", metric.Value);
                ExecuteForRun(insert, id, "metrics");
            }
        });
    }

    public bool AdoptRun(string legacyId, string id, string configJson)
    {
        bool adopted = false;
        Write(transaction =>
        {
            string[] statements = RunRows.Adopt('@');
            for (int i = 0; i < statements.Length && (i == 0 || adopted); i++)
            {
                using NpgsqlCommand command = Command(transaction, statements[i]);
                Text(command, "old", legacyId);
                Text(command, "new", id);
                Text(command, "config", configJson);
                int rows = command.ExecuteNonQuery();
                adopted |= i == 0 && rows == 1;
            }
        });
        return adopted;
    }

    public IReadOnlyList<MetricRecord> GetMetrics(string id, string? prefix = null) =>
        Read<IReadOnlyList<MetricRecord>>(() =>
        {
            // starts_with rather than LIKE: a prefix may hold '%' or '_'. "C" orders names by bytes, as SQLite does.
            using NpgsqlCommand command = Command(null, "SELECT step, name, value FROM metrics WHERE run_id = @id"
                + (prefix is null ? "" : " AND starts_with(name, @prefix)")
                + " ORDER BY step, name COLLATE \"C\"");
            Text(command, "id", id);
            if (prefix is not null)
            {
                Text(command, "prefix", prefix);
            }

            var metrics = new List<MetricRecord>();
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                metrics.Add(new MetricRecord(id, reader.GetInt64(0), reader.GetString(1), DoubleOrNaN(reader, 2)));
            }

            return metrics;
        });
}
