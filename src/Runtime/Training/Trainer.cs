using System.Diagnostics;
using SparseDsl.Data;
using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// The training loop, written once against <see cref="ISparseNetwork"/>: batch → forward → loss → backward →
/// optimizer step (→ topology update when a dynamic schedule says so), with periodic evaluation on the test split.
/// </summary>
public sealed class Trainer(ISparseNetwork network, Dataset data, TrainingSettings settings) : TrainerHooks
{
    private const int EvalBatch = 1000;

    /// <summary>The default of <see cref="TrainerHooks.CheckpointEvery"/>.</summary>
    public const int DefaultCheckpointEvery = 500;

    public TrainingSummary Run(CancellationToken cancellation = default)
    {
        ValidateShapes(network, data, settings);
        var optimizer = Optimizer.Create(settings.Optimizer, network.Parameters, settings.Steps);
        TrainingLoop.Position? start = Resume(ResumeFrom, network, optimizer, settings);
        var dynamic = DynamicSparsity.For(network, settings.Schedule, settings.Steps);
        int batch = settings.Batch;
        var x = new float[network.InputSize * batch];          // [in, batch]
        var gradient = new float[network.OutputSize * batch];  // [out, batch]
        var (last, wall, peak) = TrainingLoop.Run(
            data.Train.Count,
            settings,
            fillBatch: (indices, labels) => data.Train.FillBatch(indices, x, labels),
            train: (step, labels) =>
            {
                float[] output = network.Forward(x, batch);
                var (loss, hits) = LossFunctions.Compute(settings.Loss, output, labels, network.OutputSize, batch, gradient);
                network.Backward(gradient, batch);
                optimizer.Step(step);
                return (loss, hits);
            },
            Evaluate,
            StepCompleted,
            Evaluated,
            cancellation,
            TopologyHook(dynamic, labels => LossFunctions.Compute(settings.Loss, network.Forward(x, batch), labels, network.OutputSize, batch, gradient).LossSum / batch),
            TopologyUpdated,
            start,
            CheckpointHook(Checkpoints, CheckpointEvery, network, optimizer, settings));

        long stateBytes = network.Parameters.Sum(p => 2L * p.Length * sizeof(float)) + optimizer.StateBytes;
        return new TrainingSummary(last, (long)settings.Steps * batch, wall, stateBytes, peak);
    }

    /// <summary>Mean loss and accuracy over the whole test split.</summary>
    public (double Loss, double Accuracy) Evaluate()
    {
        var gradient = new float[network.OutputSize * Math.Min(EvalBatch, data.Test.Count)]; // [out, batch]
        return TrainingLoop.Evaluate(data, network.InputSize, EvalBatch, (x, labels, n) =>
            LossFunctions.Compute(settings.Loss, network.Forward(x, n), labels, network.OutputSize, n, gradient));
    }

    /// <summary>Where a resumed run goes on from: <paramref name="resume"/>'s weights, topology and optimizer state restored.</summary>
    internal static TrainingLoop.Position? Resume(TrainingCheckpoint? resume, INetwork network, IOptimizer optimizer, TrainingSettings settings) =>
        Resume(resume, network, ((Optimizer)optimizer).RestoreStepCount, settings);

    /// <summary>
    /// As <see cref="Resume(TrainingCheckpoint?, INetwork, IOptimizer, TrainingSettings)"/> for an optimizer that keeps its
    /// step elsewhere (on the device): <paramref name="restoreOptimizerSteps"/> receives the checkpoint's step count.
    /// </summary>
    internal static TrainingLoop.Position? Resume(TrainingCheckpoint? resume, INetwork network, Action<int> restoreOptimizerSteps, TrainingSettings settings)
    {
        if (resume is null)
        {
            return null;
        }

        if (resume.Step >= settings.Steps)
        {
            throw new InvalidDataException($"the checkpoint is at step {resume.Step}, not before the run's last step {settings.Steps}");
        }

        resume.Restore(network, restoreOptimizerSteps, settings.Seed);
        return new TrainingLoop.Position(resume.Step, resume.TrainLossSum, resume.TrainHits, resume.SeenSinceEval, resume.DataEpoch, resume.DataOffset);
    }

    /// <summary>Saves a checkpoint into <paramref name="folder"/> after every <paramref name="every"/> steps but the last; null when none are kept.</summary>
    internal static Action<TrainingLoop.Position>? CheckpointHook(CheckpointFolder? folder, int every, INetwork network, IOptimizer optimizer, TrainingSettings settings) =>
        CheckpointHook(folder, every, settings, position => TrainingCheckpoint.Capture(network, optimizer, position, settings.Seed));

    /// <summary>
    /// The same cadence with the state taken by <paramref name="capture"/>, called only on a checkpoint step (the device
    /// trainer downloads its state there, not after every step).
    /// </summary>
    internal static Action<TrainingLoop.Position>? CheckpointHook(CheckpointFolder? folder, int every, TrainingSettings settings, Func<TrainingLoop.Position, TrainingCheckpoint> capture) =>
        folder is not null && every > 0
            ? position =>
            {
                if (position.Step % every == 0 && position.Step < settings.Steps)
                {
                    folder.Save(capture(position));
                }
            }
            : null;

    /// <summary>
    /// The loop's step hook for a dynamic schedule (null without one), for every trainer: on an update step, the same
    /// batch's loss with the step's new weights before and after the update (<paramref name="batchLoss"/>: a forward
    /// over the batch still in the trainer's buffers), so the jump is the update's alone. RigL's gradient sources are
    /// copied first, since the forward for the loss before overwrites activations. The update runs on the host; with a
    /// <paramref name="device"/>, the sources come off it, and its values and state go down before and up after.
    /// </summary>
    internal static TrainingLoop.Topology? TopologyHook(DynamicSparsity? dynamic, Func<int[], double> batchLoss, Device.IDeviceTopology? device = null) =>
        dynamic is null ? null : (completed, labels) =>
        {
            if (!dynamic.UpdatesAfter(completed))
            {
                return null;
            }

            var gradients = !dynamic.NeedsGradient ? null : device?.CaptureDenseGradients(dynamic.Layers) ?? HostGradients(dynamic.Layers);
            double before = batchLoss(labels);
            device?.DownloadForUpdate();
            var layers = dynamic.Update(completed, gradients);
            device?.UploadAfterUpdate();
            return new TopologyUpdate(completed, before, batchLoss(labels), layers);
        };

    /// <summary>RigL's gradient sources of <paramref name="layers"/> on the CPU, copied now.</summary>
    private static Func<Linear, Sparse.DenseGradientRows> HostGradients(IReadOnlyList<Linear> layers)
    {
        var captured = layers.ToDictionary(l => l, l => l.CaptureDenseGradient());
        return layer => captured[layer];
    }

    /// <summary>The data fits the network and one batch (shared with the device trainer).</summary>
    internal static void ValidateShapes(ISparseNetwork network, Dataset data, TrainingSettings settings)
    {
        if (data.Train.Count < settings.Batch)
        {
            throw new InvalidOperationException($"data set '{data.Name}' has {data.Train.Count} training samples, fewer than one batch of {settings.Batch}; use a smaller batch");
        }

        if (data.Features != network.InputSize || data.Classes != network.OutputSize)
        {
            throw new InvalidOperationException(
                $"data set '{data.Name}' has {data.Features} features and {data.Classes} classes, but the model takes {network.InputSize} inputs and has {network.OutputSize} outputs; change the [Input] size or the output layer to match");
        }
    }
}
