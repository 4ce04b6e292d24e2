namespace SparseDsl.Experiments;

/// <summary>Where a run stands. Stored as lower-case text.</summary>
public enum RunStatus
{
    Pending = 0,
    Running = 1,
    Finished = 2,
    Failed = 3,
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

    /// <summary>Why the run failed (one line), for <see cref="RunStatus.Failed"/>.</summary>
    public string? Error { get; init; }
}

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
