namespace SparseDsl.Experiments;

/// <summary>
/// Where runs and their evaluations are kept. Every write is its own short transaction, committed before the
/// method returns, so results survive a crash and several processes (Slurm array shards, workers started by hand)
/// can share one store. A worker trains a grid point only while it holds a claim on it (<see cref="ClaimNext"/>), and
/// keeps the claim alive with <see cref="RenewLease"/>; the methods that take a <c>worker</c> change the run only while
/// that worker holds it and otherwise throw <see cref="ClaimLostException"/>. <see cref="SqliteResultStore"/> is the
/// embedded default; <see cref="PostgresResultStore"/> implements the same contract on a server (claims with
/// <c>SELECT … FOR UPDATE SKIP LOCKED</c>); <see cref="ResultStores.Open"/> picks one from the <c>--store</c> argument.
/// Store problems (a damaged, read-only or full file, a server that cannot be reached) are thrown as
/// <see cref="ResultStoreException"/>.
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
    /// In one transaction: records the <paramref name="candidates"/> missing from the store as pending, then claims for
    /// <paramref name="worker"/> the first candidate (in the given order) that is claimable, for
    /// <paramref name="lease"/> from now. Claimable: pending, failed, or running without a live lease (its worker was
    /// stopped or died, or an older SparseDsl left it); never finished or diverged, never held by another live worker.
    /// The claimed run becomes <c>running</c> with its attempt count raised; its old evaluations stay until
    /// <see cref="StartRun"/>. Null when no candidate is claimable.
    /// </summary>
    RunClaim? ClaimNext(IReadOnlyList<RunRecord> candidates, string worker, TimeSpan lease);

    /// <summary>
    /// The heartbeat: pushes the lease of <paramref name="worker"/> on run <paramref name="id"/> to
    /// <paramref name="lease"/> from now. False when the worker no longer holds the run (its lease expired and another
    /// worker claimed it, or the run ended); the worker must then stop writing to it.
    /// </summary>
    bool RenewLease(string id, string worker, TimeSpan lease);

    /// <summary>
    /// Gives the claim of <paramref name="worker"/> on <paramref name="id"/> up at once (a worker stopped by a signal):
    /// the run stays <c>running</c> with its evaluations, claimable by the next worker. Nothing happens when the worker
    /// does not hold it.
    /// </summary>
    void ReleaseClaim(string id, string worker);

    /// <summary>
    /// Starts <paramref name="run"/> from scratch: inserted, or — whatever its old status, an interrupted
    /// <c>running</c> one included — reset to <c>running</c> with new config and counts, a new start time, final
    /// numbers and error cleared and every old evaluation and metric deleted. With <paramref name="worker"/>, only while
    /// that worker holds the claim; without, unconditionally (tools and tests that own the store).
    /// </summary>
    void StartRun(RunRecord run, string? worker = null);

    /// <summary>
    /// Resumes an existing run from a checkpoint taken after <paramref name="step"/>: status back to
    /// <c>running</c>, evaluations and metrics after that step deleted, earlier ones kept.
    /// </summary>
    void ResumeRun(string id, long step);

    /// <summary>Appends (or replaces, for the same step) one evaluation; committed when this returns.</summary>
    void AppendEval(EvalRecord eval);

    /// <summary>Records the final numbers; the run is <c>finished</c> and its lease ends. <paramref name="worker"/>: see <see cref="StartRun"/>.</summary>
    void FinishRun(string id, FinalMetrics final, string? worker = null);

    /// <summary>The run is <c>failed</c> with a one-line <paramref name="message"/>; a later worker retries it.</summary>
    void FailRun(string id, string message, string? worker = null);

    /// <summary>
    /// The run is <c>diverged</c>: its loss was NaN or infinite at <paramref name="step"/>. A result, like finished:
    /// never claimed again, shown by <c>report</c>, skipped by <c>fit</c>.
    /// </summary>
    void DivergeRun(string id, long step, string message, string? worker = null);

    /// <summary>The evaluations of one run by step.</summary>
    IReadOnlyList<EvalRecord> GetEvals(string id);

    /// <summary>
    /// Appends named values of one step to the run's long metrics table (run, step, name, value), replacing the same
    /// (step, name); committed when this returns. Dynamic sparsity's per-update records are stored this way.
    /// </summary>
    void AppendMetrics(string id, long step, IReadOnlyList<Metric> metrics);

    /// <summary>
    /// In one transaction, moves the run stored under <paramref name="legacyId"/> (an id of an earlier run-record format),
    /// with its evaluations and metrics, to <paramref name="id"/> with <paramref name="configJson"/>; its status, numbers,
    /// claim and attempts stay. False (nothing changed) when there is no run under <paramref name="legacyId"/> or
    /// <paramref name="id"/> is taken already.
    /// </summary>
    bool AdoptRun(string legacyId, string id, string configJson);

    /// <summary>The run's metrics whose name starts with <paramref name="prefix"/> (all when null), by step then name (ordinal).</summary>
    IReadOnlyList<MetricRecord> GetMetrics(string id, string? prefix = null);
}
