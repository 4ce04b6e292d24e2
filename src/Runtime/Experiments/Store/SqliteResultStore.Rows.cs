using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>Row mapping and transaction plumbing.</summary>
public sealed partial class SqliteResultStore
{
    private const string SelectRun = """
        SELECT id, study, config_json, status, started_utc, finished_utc, wall_seconds, samples_seen,
               active_parameters, dense_parameters, peak_managed_bytes, train_loss, test_loss, test_accuracy, error,
               diverged_step, claimed_by, lease_expires_utc, attempts
        FROM runs
        """;

    private static RunRecord ReadRun(SqliteDataReader r)
    {
        RunStatus status = ParseStatus(r.GetString(3));
        return new RunRecord
        {
            Id = r.GetString(0),
            Study = r.GetString(1),
            ConfigJson = r.GetString(2),
            Status = status,
            StartedUtc = Time(r, 4),
            FinishedUtc = Time(r, 5),
            WallSeconds = r.IsDBNull(6) ? null : r.GetDouble(6),
            SamplesSeen = r.IsDBNull(7) ? null : r.GetInt64(7),
            ActiveParameters = r.IsDBNull(8) ? null : r.GetInt64(8),
            DenseParameters = r.IsDBNull(9) ? null : r.GetInt64(9),
            PeakManagedBytes = r.IsDBNull(10) ? null : r.GetInt64(10),
            Final = status == RunStatus.Finished
                ? new FinalMetrics(
                    DoubleOrNaN(r, 11),
                    DoubleOrNaN(r, 12),
                    DoubleOrNaN(r, 13),
                    r.IsDBNull(6) ? 0 : r.GetDouble(6),
                    r.IsDBNull(7) ? 0 : r.GetInt64(7),
                    r.IsDBNull(10) ? 0 : r.GetInt64(10),
                    r.IsDBNull(8) ? null : r.GetInt64(8))
                : null,
            Error = r.IsDBNull(14) ? null : r.GetString(14),
            DivergedStep = r.IsDBNull(15) ? null : r.GetInt64(15),
            Worker = r.IsDBNull(16) ? null : r.GetString(16),
            LeaseExpiresUtc = Time(r, 17),
            Attempts = r.GetInt32(18),
        };
    }

    internal static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Finished => "finished",
        RunStatus.Failed => "failed",
        RunStatus.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static RunStatus ParseStatus(string text) => text switch
    {
        "pending" => RunStatus.Pending,
        "running" => RunStatus.Running,
        "finished" => RunStatus.Finished,
        "failed" => RunStatus.Failed,
        "diverged" => RunStatus.Diverged,
        _ => throw new InvalidDataException($"Unknown run status '{text}' in the store."),
    };

    private static DateTimeOffset? Time(SqliteDataReader r, int column) =>
        r.IsDBNull(column)
            ? null
            : DateTimeOffset.Parse(r.GetString(column), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static double DoubleOrNaN(SqliteDataReader r, int column) => r.IsDBNull(column) ? double.NaN : r.GetDouble(column);

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
