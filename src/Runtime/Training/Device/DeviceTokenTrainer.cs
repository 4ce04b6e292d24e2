using SparseDsl.Data;

namespace SparseDsl.Training.Device;

/// <summary>
/// <see cref="TokenTrainer"/>'s loop on an accelerator: the same chunks in the same order (same regime and seed),
/// forward, next-token loss and backward through <see cref="DeviceTokenNetwork"/>, the optimizer step through
/// <see cref="DeviceOptimizer"/>. Weights, gradients and optimizer state stay in device buffers; per step only the
/// token ids go up and the per-token losses come back. At the end the trained parameters are copied into the CPU network.
/// </summary>
public sealed class DeviceTokenTrainer(DeviceTokenNetwork network, TokenCorpus corpus, TrainingSettings settings) : TrainerHooks
{

    /// <summary>Validation chunks an evaluation reads (<see cref="TokenTrainer.EvalSequences"/>).</summary>
    public int EvalSequences { get; init; } = TokenTrainer.DefaultEvalSequences;

    public TrainingSummary Run(CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        var host = network.Host;
        int T = host.Context, batch = settings.Batch;
        // An example is a chunk of T tokens: what the run has seen is counted in tokens (D), as on the CPU.
        settings = settings with { Regime = (settings.Regime ?? new DataRegime()) with { TokensPerExample = T } };
        int chunks = TokenTrainer.Validate(host, corpus, settings);
        using var optimizer = new DeviceOptimizer(network.Accelerator, settings.Optimizer, network.Parameters, settings.Steps);
        var checkpoints = new DeviceCheckpoints(network.Accelerator, host, network.Parameters, optimizer, network.UploadTopology);
        // Before the schedule is built, as on the CPU: it starts from the restored topology.
        TrainingLoop.Position? start = checkpoints.Resume(ResumeFrom, settings);
        var dynamic = DynamicSparsity.For(host, settings.Schedule, settings.Steps);
        var ids = new int[batch * T];     // [batch, T]
        var targets = new int[batch * T]; // [batch, T]
        var (last, wall, peak) = TrainingLoop.Run(
            chunks,
            settings,
            fillBatch: (indices, _) => corpus.Train.FillBatch(indices, T, ids, targets),
            train: (step, _) =>
            {
                double loss = network.ForwardBackward(ids, targets, batch);
                optimizer.Step(step);
                return (loss * batch, 0); // the loop divides by the batch; train accuracy is not measured
            },
            () => TokenTrainer.Evaluate(corpus, T, settings.Batch, EvalSequences, network.Evaluate),
            StepCompleted,
            Evaluated,
            cancellation,
            Trainer.TopologyHook(dynamic, _ => network.Evaluate(ids, targets, batch).Loss, network),
            TopologyUpdated,
            start,
            checkpoints.Hook(Checkpoints, CheckpointEvery, settings));

        network.CopyToHost();
        long stateBytes = network.Parameters.Sum(p => 2L * p.Length * sizeof(float)) + optimizer.StateBytes;
        return new TrainingSummary(last, (long)settings.Steps * batch * T, wall, stateBytes, peak);
    }
}
