using System.Diagnostics;
using ILGPU.Runtime;
using SparseDsl.Data;

namespace SparseDsl.Training.Device;

/// <summary>
/// <see cref="Trainer"/>'s loop on an accelerator: the same batches (same sampler and seed), forward and backward
/// through the generated kernels, loss gradient and optimizer step through <see cref="RuntimeKernels"/>. Weights,
/// gradients and optimizer state stay in device buffers; per step only the input batch goes up and the per-sample
/// losses come back. At the end the trained parameters are copied into the CPU network.
/// </summary>
public sealed class DeviceTrainer(DeviceNetwork network, Dataset data, TrainingSettings settings)
{
    private const int EvalBatch = 1000;

    /// <summary>Called after every step with the step number (1-based) and the batch-mean train loss.</summary>
    public Action<int, double>? StepCompleted { get; init; }

    /// <summary>Called at every evaluation; the caller stores it before training goes on.</summary>
    public Action<EvalPoint>? Evaluated { get; init; }

    public TrainingSummary Run(CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        Trainer.ValidateShapes(network.Host, data, settings);
        var accelerator = network.Accelerator;
        using var optimizer = new DeviceOptimizer(accelerator, settings.Optimizer, network.Parameters, settings.Steps);
        using var loss = new DeviceLoss(accelerator, settings.Loss, network.OutputSize);
        var batches = new BatchStream(new ShuffleSampler(data.Train.Count, settings.Seed), settings.Batch, dropLast: true);
        int batch = settings.Batch;
        var x = new float[network.InputSize * batch]; // [in, batch]
        var labels = new int[batch];
        var indices = new int[batch];
        using var input = accelerator.Allocate1D<float>(x.Length); // [in, batch]

        var clock = Stopwatch.StartNew();
        long peak = GC.GetTotalMemory(false);
        double lossSum = 0;
        long correct = 0;
        long seenSinceEval = 0;
        EvalPoint? last = null;
        for (int step = 0; step < settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            batches.Next(indices);
            data.Train.FillBatch(indices, x, labels);
            input.View.CopyFromCPU(x);
            var output = network.Forward(input.View, batch);
            var (stepLoss, hits, gradient) = loss.Compute(output, labels, batch);
            network.Backward(gradient, batch);
            optimizer.Step(step);

            lossSum += stepLoss;
            correct += hits;
            seenSinceEval += batch;
            StepCompleted?.Invoke(step + 1, stepLoss / batch);

            bool evalNow = (settings.EvalEvery > 0 && (step + 1) % settings.EvalEvery == 0) || step + 1 == settings.Steps;
            if (evalNow)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                var (testLoss, testAccuracy) = Evaluate(loss);
                last = new EvalPoint(step + 1, (long)(step + 1) * batch, lossSum / seenSinceEval, (double)correct / seenSinceEval,
                    testLoss, testAccuracy, clock.Elapsed.TotalSeconds);
                Evaluated?.Invoke(last);
                lossSum = 0;
                correct = 0;
                seenSinceEval = 0;
            }
        }

        network.CopyToHost();
        long stateBytes = network.Parameters.Sum(p => 2L * p.Length * sizeof(float)) + optimizer.StateBytes;
        return new TrainingSummary(last!, (long)settings.Steps * batch, clock.Elapsed.TotalSeconds, stateBytes, peak);
    }

    /// <summary>Mean loss and accuracy over the whole test split, on the device.</summary>
    private (double Loss, double Accuracy) Evaluate(DeviceLoss loss)
    {
        int count = data.Test.Count;
        int batch = Math.Min(EvalBatch, count);
        var x = new float[network.InputSize * batch];
        var labels = new int[batch];
        using var input = network.Accelerator.Allocate1D<float>(x.Length); // [in, batch]
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            var xs = x.AsSpan(0, network.InputSize * n);
            data.Test.FillBatch(start, n, xs, labels.AsSpan(0, n));
            input.View.AsContiguous().SubView(0, xs.Length).CopyFromCPU(xs);
            var output = network.Forward(input.View, n);
            var (sum, hits, _) = loss.Compute(output, labels, n);
            lossSum += sum;
            correct += hits;
        }

        return (lossSum / count, (double)correct / count);
    }
}
