namespace SparseDsl.Experiments;

/// <summary>
/// A store that waits out outages: a call that fails with a transient <see cref="ResultStoreException"/> (the server
/// unreachable or restarting, a write colliding with another worker's) is tried again after 1, 2, 4 … seconds (at most
/// <see cref="MaxDelay"/> apart) until it succeeds or the outage has lasted <see cref="MaxOutage"/>; then the last
/// problem is thrown as it is. One line goes to the log when an outage starts and one when the store is back, however
/// many calls (the heartbeat's among them) wait meanwhile. Every write of the inner store is one transaction, rolled
/// back when it fails, so trying it again is safe; a finishing write whose commit was lost with the connection and
/// that the retry then finds already applied (the run has ended) counts as done.
/// </summary>
public sealed class RetryingResultStore : IResultStore
{
    /// <summary>The default of <see cref="MaxOutage"/>.</summary>
    public static readonly TimeSpan DefaultMaxOutage = TimeSpan.FromMinutes(10);

    private readonly IResultStore inner;
    private readonly Action<string> log;
    private readonly Action<TimeSpan> sleep;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private DateTimeOffset? outageSince;

    /// <param name="inner">The store to call.</param>
    /// <param name="log">Where the outage lines go.</param>
    /// <param name="clock">The time (tests pass a fake one).</param>
    /// <param name="sleep">How to wait (tests advance their clock instead).</param>
    public RetryingResultStore(IResultStore inner, Action<string> log, TimeProvider? clock = null, Action<TimeSpan>? sleep = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(log);
        this.inner = inner;
        this.log = log;
        this.clock = clock ?? TimeProvider.System;
        this.sleep = sleep ?? Thread.Sleep;
    }

    /// <summary>How long an outage may last before the problem is thrown.</summary>
    public TimeSpan MaxOutage { get; init; } = DefaultMaxOutage;

    /// <summary>The longest wait between two tries.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public string Location => inner.Location;

    public RunRecord? GetRun(string id) => Retry(() => inner.GetRun(id));

    public IReadOnlyList<RunRecord> ListRuns(string? study = null) => Retry(() => inner.ListRuns(study));

    public void AddPending(IEnumerable<RunRecord> runs)
    {
        var list = runs.ToList();
        Retry(() => inner.AddPending(list));
    }

    public RunClaim? ClaimNext(IReadOnlyList<RunRecord> candidates, string worker, TimeSpan lease) => Retry(() => inner.ClaimNext(candidates, worker, lease));

    public bool RenewLease(string id, string worker, TimeSpan lease) => Retry(() => inner.RenewLease(id, worker, lease));

    public void ReleaseClaim(string id, string worker) => Retry(() => inner.ReleaseClaim(id, worker));

    public void StartRun(RunRecord run, string? worker = null) => Retry(() => inner.StartRun(run, worker));

    public void ResumeRun(string id, long step) => Retry(() => inner.ResumeRun(id, step));

    public void AppendEval(EvalRecord eval) => Retry(() => inner.AppendEval(eval));

    public void FinishRun(string id, FinalMetrics final, string? worker = null) =>
        Retry(() => inner.FinishRun(id, final, worker), id, RunStatus.Finished);

    public void FailRun(string id, string message, string? worker = null) =>
        Retry(() => inner.FailRun(id, message, worker), id, RunStatus.Failed);

    public void DivergeRun(string id, long step, string message, string? worker = null) =>
        Retry(() => inner.DivergeRun(id, step, message, worker), id, RunStatus.Diverged);

    public IReadOnlyList<EvalRecord> GetEvals(string id) => Retry(() => inner.GetEvals(id));

    public void AppendMetrics(string id, long step, IReadOnlyList<Metric> metrics) => Retry(() => inner.AppendMetrics(id, step, metrics));

    public bool AdoptRun(string legacyId, string id, string configJson) =>
        Retry(() => inner.AdoptRun(legacyId, id, configJson) || inner.GetRun(id) is not null && inner.GetRun(legacyId) is null);

    public IReadOnlyList<MetricRecord> GetMetrics(string id, string? prefix = null) => Retry(() => inner.GetMetrics(id, prefix));

    public void Dispose() => inner.Dispose();

    private void Retry(Action call, string? runId = null, RunStatus? ending = null) =>
        Retry(() =>
        {
            call();
            return 0;
        }, runId, ending);

    private T Retry<T>(Func<T> call, string? runId = null, RunStatus? ending = null)
    {
        TimeSpan delay = TimeSpan.FromSeconds(1);
        bool retried = false;
        while (true)
        {
            try
            {
                T result = call();
                Recovered();
                return result;
            }
            catch (ClaimLostException) when (retried && runId is not null && inner.GetRun(runId)?.Status == ending)
            {
                // The first try committed and only its answer was lost: the run has the status this call gives it.
                Recovered();
                return default!;
            }
            catch (ResultStoreException problem) when (problem.Transient)
            {
                if (Outage(problem) > MaxOutage)
                {
                    throw;
                }

                sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
                retried = true;
            }
        }
    }

    /// <summary>Marks the outage's start (saying so once) and returns how long it has lasted.</summary>
    private TimeSpan Outage(ResultStoreException problem)
    {
        lock (gate)
        {
            DateTimeOffset now = clock.GetUtcNow();
            if (outageSince is null)
            {
                outageSince = now;
                log($"store unavailable: {problem.Message}; retrying for up to {MaxOutage.TotalMinutes:0.#} min");
            }

            return now - outageSince.Value;
        }
    }

    private void Recovered()
    {
        lock (gate)
        {
            if (outageSince is { } since)
            {
                outageSince = null;
                log($"store {inner.Location} is back after {(clock.GetUtcNow() - since).TotalSeconds:0} s");
            }
        }
    }
}
