namespace SparseDsl.Training;

/// <summary>
/// What every trainer reports and where it keeps its checkpoints (the CPU and device trainers of both model kinds
/// take the same six): set them in the trainer's initializer, or hand a whole set over with <see cref="TrainerHooksExtensions.With{TTrainer}"/>.
/// </summary>
public class TrainerHooks
{
    private Action<int, double>? stepCompleted;
    private Action<EvalPoint>? evaluated;
    private Action<TopologyUpdate>? topologyUpdated;
    private CheckpointFolder? checkpoints;
    private int checkpointEvery = Trainer.DefaultCheckpointEvery;
    private TrainingCheckpoint? resumeFrom;

    /// <summary>Called after every step with the step number (1-based) and the step's mean train loss.</summary>
    public Action<int, double>? StepCompleted { get => stepCompleted; init => stepCompleted = value; }

    /// <summary>Called at every evaluation; the caller stores it before training goes on.</summary>
    public Action<EvalPoint>? Evaluated { get => evaluated; init => evaluated = value; }

    /// <summary>Called after every topology update of a dynamic schedule; the caller stores it before training goes on.</summary>
    public Action<TopologyUpdate>? TopologyUpdated { get => topologyUpdated; init => topologyUpdated = value; }

    /// <summary>Where checkpoints are written; none when null.</summary>
    public CheckpointFolder? Checkpoints { get => checkpoints; init => checkpoints = value; }

    /// <summary>A checkpoint is written after every this many steps (not after the last); 0 writes none.</summary>
    public int CheckpointEvery { get => checkpointEvery; init => checkpointEvery = value; }

    /// <summary>
    /// A checkpoint of this run (same network config and settings) to go on from: training continues after its step
    /// with its weights, topology, optimizer state and data position, bit for bit as if it had never stopped.
    /// </summary>
    public TrainingCheckpoint? ResumeFrom { get => resumeFrom; init => resumeFrom = value; }

    /// <summary>Takes every hook of <paramref name="source"/>.</summary>
    internal void CopyFrom(TrainerHooks source)
    {
        (stepCompleted, evaluated, topologyUpdated) = (source.stepCompleted, source.evaluated, source.topologyUpdated);
        (checkpoints, checkpointEvery, resumeFrom) = (source.checkpoints, source.checkpointEvery, source.resumeFrom);
    }
}

/// <summary>Handing one set of hooks to whichever trainer a run uses.</summary>
public static class TrainerHooksExtensions
{
    /// <summary><paramref name="trainer"/> with every hook of <paramref name="hooks"/>; returns it.</summary>
    public static TTrainer With<TTrainer>(this TTrainer trainer, TrainerHooks hooks)
        where TTrainer : TrainerHooks
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(hooks);
        trainer.CopyFrom(hooks);
        return trainer;
    }
}
