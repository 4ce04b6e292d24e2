using ILGPU.Runtime;
using SparseDsl.Data;

namespace SparseDsl.Training.Device;

/// <summary>
/// <see cref="Trainer"/>'s loop on an accelerator: the same batches (same sampler and seed), forward and backward
/// through the generated kernels, loss gradient and optimizer step through <see cref="RuntimeKernels"/>. Weights,
/// gradients and optimizer state stay in device buffers; per step only the input batch goes up and the per-sample
/// losses come back. At the end the trained parameters are copied into the CPU network.
/// </summary>
public sealed class DeviceTrainer(DeviceNetwork network, Dataset data, TrainingSettings settings) : TrainerHooks
{
    private const int EvalBatch = 1000;

    public TrainingSummary Run(CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        Trainer.ValidateShapes(network.Host, data, settings);

        var accelerator = network.Accelerator;
        using var optimizer = new DeviceOptimizer(accelerator, settings.Optimizer, network.Parameters, settings.Steps);
        var checkpoints = new DeviceCheckpoints(accelerator, network.Host, network.Parameters, optimizer, network.UploadTopology);
        // Before the schedule is built, as on the CPU: it starts from the restored topology.
        TrainingLoop.Position? start = checkpoints.Resume(ResumeFrom, settings);
        using var loss = new DeviceLoss(accelerator, settings.Loss, network.OutputSize);
        var dynamic = DynamicSparsity.For(network.Host, settings.Schedule, settings.Steps);
        int batch = settings.Batch;
        var x = new float[network.InputSize * batch]; // [in, batch]
        using var input = accelerator.Allocate1D<float>(x.Length); // [in, batch]
        var (last, wall, peak) = TrainingLoop.Run(
            data.Train.Count,
            settings,
            fillBatch: (indices, labels) => data.Train.FillBatch(indices, x, labels),
            train: (step, labels) =>
            {
                input.View.CopyFromCPU(x);
                var output = network.Forward(input.View, batch);
                var (stepLoss, hits, gradient) = loss.Compute(output, labels, batch);
                network.Backward(gradient, batch);
                optimizer.Step(step);
                return (stepLoss, hits);
            },
            () => Evaluate(loss),
            StepCompleted,
            Evaluated,
            cancellation,
            // As the CPU trainer: the same batch just before and just after the update (a forward over the input still on the device).
            Trainer.TopologyHook(dynamic, labels => loss.Compute(network.Forward(input.View, batch), labels, batch).LossSum / batch, network),
            TopologyUpdated,
            start,
            checkpoints.Hook(Checkpoints, CheckpointEvery, settings));

        network.CopyToHost();
        long stateBytes = network.Parameters.Sum(p => 2L * p.Length * sizeof(float)) + optimizer.StateBytes;
        return new TrainingSummary(last, (long)settings.Steps * batch, wall, stateBytes, peak);
    }

    /// <summary>Mean loss and accuracy over the whole test split, on the device.</summary>
    private (double Loss, double Accuracy) Evaluate(DeviceLoss loss)
    {
        int batch = Math.Min(EvalBatch, data.Test.Count);
        using var input = network.Accelerator.Allocate1D<float>(network.InputSize * batch); // [in, batch]
        return TrainingLoop.Evaluate(data, network.InputSize, EvalBatch, (x, labels, n) =>
        {
            input.View.AsContiguous().SubView(0, network.InputSize * n).CopyFromCPU(x.AsSpan(0, network.InputSize * n));
            var (sum, hits, _) = loss.Compute(network.Forward(input.View, n), labels, n);
            return (sum, hits);
        });
    }
}
