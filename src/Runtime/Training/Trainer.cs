using System.Diagnostics;
using SparseDsl.Data;
using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// The training loop, written once against <see cref="ISparseNetwork"/>: batch → forward → loss → backward →
/// optimizer step, with periodic evaluation on the test split.
/// </summary>
public sealed class Trainer(ISparseNetwork network, Dataset data, TrainingSettings settings)
{
    private const int EvalBatch = 1000;

    /// <summary>Called after every step with the step number (1-based) and the running train loss.</summary>
    public Action<int, double>? StepCompleted { get; init; }

    /// <summary>Called at every evaluation; the caller stores it before training goes on.</summary>
    public Action<EvalPoint>? Evaluated { get; init; }

    public TrainingSummary Run(CancellationToken cancellation = default)
    {
        ValidateShapes(network, data, settings);
        var optimizer = Optimizer.Create(settings.Optimizer, network.Parameters, settings.Steps);
        // Reshuffled every epoch from (seed, epoch); the short tail of an epoch is dropped so every step is a full batch.
        var batches = new BatchStream(new ShuffleSampler(data.Train.Count, settings.Seed), settings.Batch, dropLast: true);
        int batch = settings.Batch;
        var x = new float[network.InputSize * batch];   // [in, batch]
        var labels = new int[batch];
        var indices = new int[batch];
        var gradient = new float[network.OutputSize * batch]; // [out, batch]

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
            float[] output = network.Forward(x, batch);
            var (loss, hits) = LossFunctions.Compute(settings.Loss, output, labels, network.OutputSize, batch, gradient);
            network.Backward(gradient, batch);
            optimizer.Step(step);

            lossSum += loss;
            correct += hits;
            seenSinceEval += batch;
            StepCompleted?.Invoke(step + 1, loss / batch);

            bool evalNow = (settings.EvalEvery > 0 && (step + 1) % settings.EvalEvery == 0) || step + 1 == settings.Steps;
            if (evalNow)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                var (testLoss, testAccuracy) = Evaluate();
                last = new EvalPoint(step + 1, (long)(step + 1) * batch, lossSum / seenSinceEval, (double)correct / seenSinceEval,
                    testLoss, testAccuracy, clock.Elapsed.TotalSeconds);
                Evaluated?.Invoke(last);
                lossSum = 0;
                correct = 0;
                seenSinceEval = 0;
            }
        }

        long stateBytes = network.Parameters.Sum(p => 2L * p.Length * sizeof(float)) + optimizer.StateBytes;
        return new TrainingSummary(last!, (long)settings.Steps * batch, clock.Elapsed.TotalSeconds, stateBytes, peak);
    }

    /// <summary>Mean loss and accuracy over the whole test split.</summary>
    public (double Loss, double Accuracy) Evaluate()
    {
        int count = data.Test.Count;
        int batch = Math.Min(EvalBatch, count);
        var x = new float[network.InputSize * batch];
        var labels = new int[batch];
        var gradient = new float[network.OutputSize * batch];
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            data.Test.FillBatch(start, n, x.AsSpan(0, network.InputSize * n), labels.AsSpan(0, n));
            float[] output = network.Forward(x, n);
            var (loss, hits) = LossFunctions.Compute(settings.Loss, output, labels, network.OutputSize, n, gradient);
            lossSum += loss;
            correct += hits;
        }

        return (lossSum / count, (double)correct / count);
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
