namespace SparseDsl.Experiments;

/// <summary>
/// Where runs and their evaluations are kept. Every write is its own short transaction, committed before the
/// method returns, so results survive a crash and several processes (Slurm array shards) can share one store.
/// <see cref="SqliteResultStore"/> is the embedded default; a PostgreSQL store would implement the same interface.
/// </summary>
public interface IResultStore : IDisposable
{
    /// <summary>A short description for logs: the file or server.</summary>
    string Location { get; }

    RunRecord? GetRun(string id);

    /// <summary>Runs of <paramref name="study"/> (all studies when null), ordered by study then id (ordinal).</summary>
    IReadOnlyList<RunRecord> ListRuns(string? study = null);

    /// <summary>Records grid points as pending when they are not in the store yet; existing runs are left alone.</summary>
    void AddPending(IEnumerable<RunRecord> runs);

    /// <summary>
    /// Starts <paramref name="run"/> from scratch: inserted, or — whatever its old status, an interrupted
    /// <c>running</c> one included — reset to <c>running</c> with new config and counts, a new start time, final
    /// numbers and error cleared and every old evaluation and metric deleted.
    /// </summary>
    void StartRun(RunRecord run);

    /// <summary>
    /// Resumes an existing run from a checkpoint taken after <paramref name="step"/>: status back to
    /// <c>running</c>, evaluations and metrics after that step deleted, earlier ones kept.
    /// </summary>
    void ResumeRun(string id, long step);

    /// <summary>Appends (or replaces, for the same step) one evaluation; committed when this returns.</summary>
    void AppendEval(EvalRecord eval);

    void FinishRun(string id, FinalMetrics final);

    void FailRun(string id, string message);

    /// <summary>The evaluations of one run by step.</summary>
    IReadOnlyList<EvalRecord> GetEvals(string id);

    /// <summary>
    /// Appends named values of one step to the run's long metrics table (run, step, name, value), replacing the same
    /// (step, name); committed when this returns. Dynamic sparsity's per-update records are stored this way.
    /// </summary>
    void AppendMetrics(string id, long step, IReadOnlyList<Metric> metrics);

    /// <summary>The run's metrics whose name starts with <paramref name="prefix"/> (all when null), by step then name (ordinal).</summary>
    IReadOnlyList<MetricRecord> GetMetrics(string id, string? prefix = null);
}

/// <summary>Opens a store from the <c>--store</c> argument.</summary>
public static class ResultStores
{
    /// <summary>
    /// <c>postgres://…</c> or <c>postgresql://…</c> would be PostgreSQL (not built yet); anything else is a SQLite
    /// file path (default <see cref="SqliteResultStore.DefaultFileName"/>).
    /// </summary>
    public static IResultStore Open(string? location = null)
    {
        location ??= SqliteResultStore.DefaultFileName;
        if (location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException("The PostgreSQL store is not built yet; use a SQLite file (--store results.db).");
        }

        return SqliteResultStore.Open(location);
    }
}
