using Npgsql;
using NpgsqlTypes;

namespace SparseDsl.Experiments;

/// <summary>Row mapping, typed parameters and transaction plumbing.</summary>
public sealed partial class PostgresResultStore
{
    private static RunRecord ReadRun(NpgsqlDataReader r) => RunRows.Read(r, TimeOrNull);

    private static DateTimeOffset? TimeOrNull(System.Data.Common.DbDataReader r, int column) =>
        r.IsDBNull(column) ? null : r.GetFieldValue<DateTimeOffset>(column);

    private static double DoubleOrNaN(NpgsqlDataReader r, int column) => RunRows.DoubleOrNaN(r, column);

    private static void Text(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static void Int64(NpgsqlCommand command, string name, long? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = value is { } v ? v : DBNull.Value });

    /// <summary>NaN and null become SQL NULL, as in the SQLite store (PostgreSQL could keep NaN; the results stay alike).</summary>
    private static void Double(NpgsqlCommand command, string name, double? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Double) { Value = value is { } v && !double.IsNaN(v) ? v : DBNull.Value });

    /// <summary>A time in UTC to the millisecond, as the SQLite store keeps it, so both stores read back the same instant.</summary>
    private static void Time(NpgsqlCommand command, string name, DateTimeOffset value)
    {
        DateTime utc = value.UtcDateTime;
        utc = new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = utc });
    }

    private DateTimeOffset Now() => clock.GetUtcNow();

    private NpgsqlCommand Command(NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);

    /// <summary>One short read-committed transaction, committed before returning; server errors as one line.</summary>
    private void Write(Action<NpgsqlTransaction> body)
    {
        lock (gate)
        {
            RequireConnection();
            try
            {
                using NpgsqlTransaction transaction = connection.BeginTransaction();
                body(transaction);
                transaction.Commit();
            }
            catch (Exception e) when (IsServerError(e))
            {
                throw Problem(url, e);
            }
        }
    }

    /// <summary>A read under the connection's lock; server errors as one line.</summary>
    private T Read<T>(Func<T> body)
    {
        lock (gate)
        {
            RequireConnection();
            try
            {
                return body();
            }
            catch (Exception e) when (IsServerError(e))
            {
                throw Problem(url, e);
            }
        }
    }

    /// <summary>
    /// A connection the server ended (restarted, or the network dropped) is opened again, a new session; when the server
    /// is still away that is a transient problem of one line (<see cref="RetryingResultStore"/> waits it out).
    /// </summary>
    private void RequireConnection()
    {
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            connection.Close();
            NpgsqlConnection.ClearPool(connection); // the pool's other sessions died with the server too
            connection.Open();
        }
        catch (Exception e) when (IsServerError(e) || e is InvalidOperationException)
        {
            throw Problem(url, e);
        }
    }

    /// <summary>
    /// Records the runs missing from the store as pending, in one statement that inserts in id order: two workers adding
    /// overlapping grids then wait on each other's rows in the same order, never in a deadlock.
    /// </summary>
    private void InsertPending(NpgsqlTransaction transaction, IEnumerable<RunRecord> runs)
    {
        RunRecord[] all = runs.ToArray();
        if (all.Length == 0)
        {
            return;
        }

        using NpgsqlCommand insert = Command(transaction, """
            INSERT INTO runs (id, study, config_json, status, active_parameters, dense_parameters)
            SELECT u.id, u.study, u.config, 'pending', u.active, u.dense
            FROM unnest(@ids, @studies, @configs, @active, @dense) AS u (id, study, config, active, dense)
            ORDER BY u.id COLLATE "C"
            ON CONFLICT (id) DO NOTHING
            """);
        insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = all.Select(r => r.Id).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("studies", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = all.Select(r => r.Study).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("configs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = all.Select(r => r.ConfigJson).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("active", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = all.Select(r => r.ActiveParameters).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("dense", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = all.Select(r => r.DenseParameters).ToArray() });
        insert.ExecuteNonQuery();
    }

    /// <summary>
    /// Throws unless <paramref name="worker"/> holds run <paramref name="id"/> (it is running and claimed by it), and locks
    /// the row until the transaction ends, so the claim cannot change hands between this check and the write.
    /// </summary>
    private void RequireHeld(NpgsqlTransaction transaction, string id, string worker)
    {
        using NpgsqlCommand select = Command(transaction, "SELECT claimed_by, status FROM runs WHERE id = @id FOR UPDATE");
        Text(select, "id", id);
        using NpgsqlDataReader reader = select.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"No run '{id}' in {Location}.");
        }

        if (reader.IsDBNull(0) || reader.GetString(0) != worker || reader.GetString(1) != "running")
        {
            throw new ClaimLostException(id, worker, Location);
        }
    }

    /// <summary>Deletes the run's evaluations and metrics (all, or those after <paramref name="afterStep"/>).</summary>
    private void DeleteRows(NpgsqlTransaction transaction, string id, long? afterStep)
    {
        foreach (string table in new[] { "evals", "metrics" })
        {
            using NpgsqlCommand delete = Command(transaction, $"DELETE FROM {table} WHERE run_id = @id" + (afterStep is null ? "" : " AND step > @step"));
            Text(delete, "id", id);
            if (afterStep is not null)
            {
                Int64(delete, "step", afterStep);
            }

            delete.ExecuteNonQuery();
        }
    }

    /// <summary>Runs an insert of rows that belong to run <paramref name="id"/>; a missing run is an <see cref="InvalidOperationException"/>.</summary>
    private void ExecuteForRun(NpgsqlCommand insert, string id, string what)
    {
        try
        {
            insert.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new InvalidOperationException($"No run '{id}' in {Location}; start it before appending {what}.", e);
        }
    }
}
