using System.Data.Common;

namespace SparseDsl.Experiments;

/// <summary>
/// The runs table as both stores read it: one column list and one mapping from a row to a <see cref="RunRecord"/>;
/// each store says only how its driver gives back a time (SQLite: ISO text, PostgreSQL: timestamptz).
/// </summary>
internal static class RunRows
{
    public const string Select = """
        SELECT id, study, config_json, status, started_utc, finished_utc, wall_seconds, samples_seen,
               active_parameters, dense_parameters, peak_managed_bytes, train_loss, test_loss, test_accuracy, error,
               diverged_step, claimed_by, lease_expires_utc, attempts
        FROM runs
        """;

    /// <summary>Every column of runs but id and config_json, in order: what <see cref="IResultStore.AdoptRun"/> copies.</summary>
    public const string KeptColumns =
        "study, status, started_utc, finished_utc, wall_seconds, samples_seen, active_parameters, dense_parameters, peak_managed_bytes, "
        + "train_loss, test_loss, test_accuracy, error, diverged_step, claimed_by, lease_expires_utc, attempts";

    /// <summary>
    /// The statements of <see cref="IResultStore.AdoptRun"/> with parameters named <c>{p}old</c>, <c>{p}new</c> and
    /// <c>{p}config</c> (<paramref name="p"/> the driver's prefix): the new row first, then its children, then the old row,
    /// so no foreign key is ever broken. The first statement inserts nothing when the old id is absent or the new one taken.
    /// </summary>
    public static string[] Adopt(char p) =>
    [
        $"INSERT INTO runs (id, config_json, {KeptColumns}) SELECT {p}new, {p}config, {KeptColumns} FROM runs WHERE id = {p}old AND NOT EXISTS (SELECT 1 FROM runs WHERE id = {p}new)",
        $"UPDATE evals SET run_id = {p}new WHERE run_id = {p}old",
        $"UPDATE metrics SET run_id = {p}new WHERE run_id = {p}old",
        $"DELETE FROM runs WHERE id = {p}old",
    ];

    public static RunRecord Read(DbDataReader r, Func<DbDataReader, int, DateTimeOffset?> time)
    {
        RunStatus status = ParseStatus(r.GetString(3));
        return new RunRecord
        {
            Id = r.GetString(0),
            Study = r.GetString(1),
            ConfigJson = r.GetString(2),
            Status = status,
            StartedUtc = time(r, 4),
            FinishedUtc = time(r, 5),
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
            LeaseExpiresUtc = time(r, 17),
            Attempts = r.GetInt32(18),
        };
    }

    /// <summary>
    /// Every row of <paramref name="reader"/> as runs, ordered by study then id in UTF-16 ordinal order (the order of
    /// <see cref="IResultStore.ListRuns"/>, whatever collation the database sorted with).
    /// </summary>
    public static IReadOnlyList<RunRecord> ReadAllOrdered(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset?> time)
    {
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            runs.Add(Read(reader, time));
        }

        runs.Sort((a, b) =>
        {
            int byStudy = string.CompareOrdinal(a.Study, b.Study);
            return byStudy != 0 ? byStudy : string.CompareOrdinal(a.Id, b.Id);
        });
        return runs;
    }

    public static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Finished => "finished",
        RunStatus.Failed => "failed",
        RunStatus.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static RunStatus ParseStatus(string text) => text switch
    {
        "pending" => RunStatus.Pending,
        "running" => RunStatus.Running,
        "finished" => RunStatus.Finished,
        "failed" => RunStatus.Failed,
        "diverged" => RunStatus.Diverged,
        _ => throw new InvalidDataException($"Unknown run status '{text}' in the store."),
    };

    /// <summary>A REAL column; NULL (how both stores keep NaN) reads back as NaN.</summary>
    public static double DoubleOrNaN(DbDataReader r, int column) => r.IsDBNull(column) ? double.NaN : r.GetDouble(column);
}
