namespace SparseDsl.Experiments;

/// <summary>Where a run stands. Stored as lower-case text.</summary>
public enum RunStatus
{
    Pending = 0,
    Running = 1,
    Finished = 2,
    Failed = 3,

    /// <summary>The loss became NaN or infinite at <see cref="RunRecord.DivergedStep"/>; a result, not retried.</summary>
    Diverged = 4,
}

/// <summary>
/// One point of a study's grid and what became of it. <see cref="Id"/> is the stable hash of the resolved config
/// (computed by the caller); <see cref="ConfigJson"/> is that canonical config. The store sets the status, the
/// timestamps and the final numbers; a caller fills the first fields and the parameter counts.
/// </summary>
public sealed record RunRecord
{
    public required string Id { get; init; }

    public required string Study { get; init; }

    /// <summary>The canonical resolved config as JSON (an object).</summary>
    public required string ConfigJson { get; init; }

    public RunStatus Status { get; init; } = RunStatus.Pending;

    public DateTimeOffset? StartedUtc { get; init; }

    public DateTimeOffset? FinishedUtc { get; init; }

    public double? WallSeconds { get; init; }

    public long? SamplesSeen { get; init; }

    /// <summary>Nonzero (trainable) parameters at the end, or at the start until the run finishes.</summary>
    public long? ActiveParameters { get; init; }

    /// <summary>Parameters of the same model fully dense.</summary>
    public long? DenseParameters { get; init; }

    /// <summary>Peak managed memory of the process while the run trained (bytes).</summary>
    public long? PeakManagedBytes { get; init; }

    /// <summary>Set once <see cref="Status"/> is <see cref="RunStatus.Finished"/>.</summary>
    public FinalMetrics? Final { get; init; }

    /// <summary>Why the run failed or diverged (one line), for <see cref="RunStatus.Failed"/> and <see cref="RunStatus.Diverged"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The step whose loss was NaN or infinite, for <see cref="RunStatus.Diverged"/>.</summary>
    public long? DivergedStep { get; init; }

    /// <summary>The worker that claimed the run last (<c>host:pid:nonce</c>); kept after it finishes, null before any claim.</summary>
    public string? Worker { get; init; }

    /// <summary>Until when <see cref="Worker"/> holds the run; null when no live claim (never claimed, released, or done).</summary>
    public DateTimeOffset? LeaseExpiresUtc { get; init; }

    /// <summary>How many times the run was claimed: 1 for a run trained once, more after crashes or reclaims.</summary>
    public int Attempts { get; init; }
}

/// <summary>
/// A worker's claim on one run, from <see cref="IResultStore.ClaimNext"/>: the run is <c>running</c> and no other
/// worker may claim it until <see cref="LeaseExpiresUtc"/>, which the worker pushes forward with
/// <see cref="IResultStore.RenewLease"/> while it trains. <see cref="TakenOverFrom"/> names the worker whose lease had
/// expired (it died or was stopped) when this claim took the run over from it.
/// </summary>
public sealed record RunClaim(string RunId, string Worker, DateTimeOffset LeaseExpiresUtc, int Attempt, string? TakenOverFrom);

/// <summary>
/// What a finished run reports. Losses may be NaN (a diverged run); the store keeps NaN as SQL NULL and reads it
/// back as NaN. <see cref="ActiveParameters"/> null keeps the count given at start.
/// </summary>
public sealed record FinalMetrics(
    double TrainLoss,
    double TestLoss,
    double TestAccuracy,
    double WallSeconds,
    long SamplesSeen,
    long PeakManagedBytes,
    long? ActiveParameters = null);

/// <summary>One evaluation during a run. <see cref="TrainAccuracy"/> is null when not measured.</summary>
public sealed record EvalRecord(
    string RunId,
    long Step,
    long SamplesSeen,
    double TrainLoss,
    double TestLoss,
    double? TrainAccuracy,
    double TestAccuracy,
    double WallSeconds);

/// <summary>A named value to store for one step: <c>topology/Hidden1/density</c>.</summary>
public sealed record Metric(string Name, double Value);

/// <summary>One row of the long metrics table. NaN is stored as NULL and read back as NaN.</summary>
public sealed record MetricRecord(string RunId, long Step, string Name, double Value);
