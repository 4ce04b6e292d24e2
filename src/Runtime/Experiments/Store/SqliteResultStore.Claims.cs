using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>
/// Claims: a worker takes a run for a lease and renews it while it trains. Each is one immediate transaction, which
/// SQLite serializes across processes (WAL + busy timeout), so two workers never both claim one run.
/// </summary>
public sealed partial class SqliteResultStore
{
    /// <summary>
    /// Who may claim a run at <c>$now</c>: pending and failed runs, and running ones without a live lease. The same rule
    /// in PostgreSQL: <c>WHERE … AND (…) ORDER BY … LIMIT 1 FOR UPDATE SKIP LOCKED</c>.
    /// </summary>
    private const string Claimable = """
        (status IN ('pending', 'failed') OR (status = 'running' AND (lease_expires_utc IS NULL OR lease_expires_utc <= $now)))
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
            var open = new Dictionary<string, string?>(StringComparer.Ordinal);
            using (SqliteCommand select = Command(transaction,
                $"SELECT id, claimed_by, status FROM runs WHERE id IN (SELECT value FROM json_each($ids)) AND {Claimable}"))
            {
                select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(candidates.Select(c => c.Id)));
                select.Parameters.AddWithValue("$now", Now());
                using SqliteDataReader reader = select.ExecuteReader();
                while (reader.Read())
                {
                    // A previous worker is taken over only from a running run: a failed one ended on its own.
                    open[reader.GetString(0)] = reader.GetString(2) == "running" && !reader.IsDBNull(1) ? reader.GetString(1) : null;
                }
            }

            RunRecord? next = candidates.FirstOrDefault(c => open.ContainsKey(c.Id));
            if (next is null)
            {
                return;
            }

            DateTimeOffset until = clock.GetUtcNow() + lease;
            using SqliteCommand update = Command(transaction, """
                UPDATE runs SET status = 'running', claimed_by = $worker, lease_expires_utc = $until, attempts = attempts + 1,
                    started_utc = $now, finished_utc = NULL, error = NULL, diverged_step = NULL
                WHERE id = $id
                RETURNING attempts
                """);
            update.Parameters.AddWithValue("$id", next.Id);
            update.Parameters.AddWithValue("$worker", worker);
            update.Parameters.AddWithValue("$until", Text(until));
            update.Parameters.AddWithValue("$now", Now());
            int attempt = Convert.ToInt32(update.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            claim = new RunClaim(next.Id, worker, until, attempt, open[next.Id]);
        });
        return claim;
    }

    public bool RenewLease(string id, string worker, TimeSpan lease)
    {
        int rows = 0;
        Write(transaction =>
        {
            using SqliteCommand update = Command(transaction,
                "UPDATE runs SET lease_expires_utc = $until WHERE id = $id AND claimed_by = $worker AND status = 'running'");
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$worker", worker);
            update.Parameters.AddWithValue("$until", Text(clock.GetUtcNow() + lease));
            rows = update.ExecuteNonQuery();
        });
        return rows == 1;
    }

    public void ReleaseClaim(string id, string worker)
    {
        Write(transaction =>
        {
            using SqliteCommand update = Command(transaction,
                "UPDATE runs SET lease_expires_utc = NULL WHERE id = $id AND claimed_by = $worker AND status = 'running'");
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$worker", worker);
            update.ExecuteNonQuery();
        });
    }
}
