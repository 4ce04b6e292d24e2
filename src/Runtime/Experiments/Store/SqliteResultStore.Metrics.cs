using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

public sealed partial class SqliteResultStore
{
    public void AppendMetrics(string id, long step, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Write(transaction =>
        {
            using SqliteCommand insert = Command(transaction, """
                INSERT OR REPLACE INTO metrics (run_id, step, name, value) VALUES ($id, $step, $name, $value)
                """);
            foreach (Metric metric in metrics)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$step", step);
                insert.Parameters.AddWithValue("$name", metric.Name);
                insert.Parameters.AddWithValue("$value", Db(metric.Value));
                try
                {
                    insert.ExecuteNonQuery();
                }
                catch (SqliteException e) when (e.SqliteExtendedErrorCode == 787)
                {
                    throw new InvalidOperationException($"No run '{id}' in {Location}; start it before appending metrics.", e);
                }
            }
        });
    }

    public bool AdoptRun(string legacyId, string id, string configJson)
    {
        bool adopted = false;
        Write(transaction =>
        {
            string[] statements = RunRows.Adopt('$');
            for (int i = 0; i < statements.Length && (i == 0 || adopted); i++)
            {
                using SqliteCommand command = Command(transaction, statements[i]);
                command.Parameters.AddWithValue("$old", legacyId);
                command.Parameters.AddWithValue("$new", id);
                command.Parameters.AddWithValue("$config", configJson);
                int rows = command.ExecuteNonQuery();
                adopted |= i == 0 && rows == 1;
            }
        });
        return adopted;
    }

    public IReadOnlyList<MetricRecord> GetMetrics(string id, string? prefix = null) =>
        Read<IReadOnlyList<MetricRecord>>(() =>
        {
            using SqliteCommand command = connection.CreateCommand();
            // substr rather than LIKE: a prefix may hold '%' or '_', and the comparison stays ordinal.
            command.CommandText = "SELECT step, name, value FROM metrics WHERE run_id = $id"
                + (prefix is null ? "" : " AND substr(name, 1, length($prefix)) = $prefix")
                + " ORDER BY step, name";
            command.Parameters.AddWithValue("$id", id);
            if (prefix is not null)
            {
                command.Parameters.AddWithValue("$prefix", prefix);
            }

            var metrics = new List<MetricRecord>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                metrics.Add(new MetricRecord(id, reader.GetInt64(0), reader.GetString(1), DoubleOrNaN(reader, 2)));
            }

            return metrics;
        });
}
