using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Everything a single training run needs besides the network and the data (no schedule: the topology is static; no
/// regime: every epoch a reshuffle of the whole train split).
/// </summary>
public sealed record TrainingSettings(int Steps, int Batch, int EvalEvery, OptimizerSpec Optimizer, Loss Loss, int Seed, SparsityScheduleSpec? Schedule = null, SparseDsl.Data.DataRegime? Regime = null);

/// <summary>One evaluation: train figures averaged since the previous evaluation, test figures over the whole test split.</summary>
public sealed record EvalPoint(
    int Step,
    long SamplesSeen,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double WallSeconds);

/// <summary>The outcome of a finished run.</summary>
public sealed record TrainingSummary(
    EvalPoint Final,
    long SamplesSeen,
    double WallSeconds,
    long TrainingStateBytes,
    long PeakManagedBytes);
