using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>Row mapping and transaction plumbing.</summary>
public sealed partial class SqliteResultStore
{
    private static RunRecord ReadRun(SqliteDataReader r) => RunRows.Read(r, Time);

    private static double DoubleOrNaN(SqliteDataReader r, int column) => RunRows.DoubleOrNaN(r, column);

    private static DateTimeOffset? Time(System.Data.Common.DbDataReader r, int column) =>
        r.IsDBNull(column)
            ? null
            : DateTimeOffset.Parse(r.GetString(column), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>NaN and null become SQL NULL (SQLite would store NaN as NULL anyway).</summary>
    private static object Db(double? value) => value is { } v && !double.IsNaN(v) ? v : DBNull.Value;

    private static object Db(long? value) => value is { } v ? v : DBNull.Value;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>One short immediate (write-locking) transaction, committed before returning; SQLite errors as one line.</summary>
    private void Write(Action<SqliteTransaction> body)
    {
        lock (gate)
        {
            try
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
                body(transaction);
                transaction.Commit();
            }
            catch (SqliteException e)
            {
                throw Problem(Location, e);
            }
        }
    }

    /// <summary>A read under the connection's lock; SQLite errors as one line.</summary>
    private T Read<T>(Func<T> body)
    {
        lock (gate)
        {
            try
            {
                return body();
            }
            catch (SqliteException e)
            {
                throw Problem(Location, e);
            }
        }
    }

    private void InsertPending(SqliteTransaction transaction, IEnumerable<RunRecord> runs)
    {
        using SqliteCommand command = Command(transaction, """
            INSERT OR IGNORE INTO runs (id, study, config_json, status, active_parameters, dense_parameters)
            VALUES ($id, $study, $config, 'pending', $active, $dense)
            """);
        foreach (RunRecord run in runs)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$id", run.Id);
            command.Parameters.AddWithValue("$study", run.Study);
            command.Parameters.AddWithValue("$config", run.ConfigJson);
            command.Parameters.AddWithValue("$active", Db(run.ActiveParameters));
            command.Parameters.AddWithValue("$dense", Db(run.DenseParameters));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Throws unless <paramref name="worker"/> holds run <paramref name="id"/> (it is running and claimed by it).</summary>
    private void RequireHeld(SqliteTransaction transaction, string id, string worker)
    {
        using SqliteCommand select = Command(transaction, "SELECT claimed_by, status FROM runs WHERE id = $id");
        select.Parameters.AddWithValue("$id", id);
        using SqliteDataReader reader = select.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"No run '{id}' in {Location}.");
        }

        if (reader.IsDBNull(0) || reader.GetString(0) != worker || reader.GetString(1) != "running")
        {
            throw new ClaimLostException(id, worker, Location);
        }
    }
}
