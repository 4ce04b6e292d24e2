using System.Diagnostics;
using SparseDsl.Data;

namespace SparseDsl.Training;

/// <summary>
/// The loop both trainers share (the CPU <see cref="Trainer"/> and the device trainer): the same batches (sampler
/// and seed), the running train figures, the evaluation cadence and the summary. Each trainer supplies one step
/// (forward, loss, backward, optimizer) and the evaluation on the test split.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>One training step on a batch already filled into the trainer's buffers: (summed loss, correct predictions).</summary>
    public delegate (double Loss, long Hits) Step(int step, int[] labels);

    /// <summary>
    /// The step hook of a dynamic schedule, after completed step <paramref name="completed"/> (1-based, optimizer step
    /// taken) whose batch is still in the trainer's buffers: updates the topology when the schedule says so and returns
    /// what it did, with the batch-mean loss of that batch just before and just after the update; null when no update is due.
    /// </summary>
    public delegate TopologyUpdate? Topology(int completed, int[] labels);

    /// <summary>
    /// Where the loop stands after <see cref="Step"/> completed steps: the running train figures since the last
    /// evaluation and the data order's position (a checkpoint's part of the loop; a resumed loop starts from it).
    /// </summary>
    public readonly record struct Position(int Step, double LossSum, long Hits, long SeenSinceEval, int Epoch, int Offset);

    /// <summary>
    /// Runs <paramref name="settings"/>.Steps steps over a training set of <paramref name="trainCount"/> examples (images,
    /// or chunks of a token stream); <paramref name="fillBatch"/> receives each batch's sample indices
    /// and labels buffer, <paramref name="train"/> trains on it, <paramref name="evaluate"/> gives the test figures.
    /// Returns the last evaluation, the wall time and the peak managed memory. A step whose loss is NaN or infinite ends
    /// training with <see cref="TrainingDivergedException"/>, before any hook sees that step. With <paramref name="start"/>
    /// the loop goes on from a checkpoint's position; <paramref name="stepEnded"/> sees the position after every step,
    /// its evaluation included.
    /// </summary>
    public static (EvalPoint Last, double WallSeconds, long PeakManagedBytes) Run(
        int trainCount,
        TrainingSettings settings,
        Action<int[], int[]> fillBatch,
        Step train,
        Func<(double Loss, double Accuracy)> evaluate,
        Action<int, double>? stepCompleted,
        Action<EvalPoint>? evaluated,
        CancellationToken cancellation,
        Topology? topology = null,
        Action<TopologyUpdate>? topologyUpdated = null,
        Position? start = null,
        Action<Position>? stepEnded = null)
    {
        // The regime's epochs (U, full or RS2), each drawn from (seed, epoch); the short tail of an epoch is dropped so every
        // step is a full batch. Without a regime: every epoch a reshuffle of the whole train split.
        var regime = settings.Regime ?? new DataRegime();
        var batches = regime.CreateBatches(trainCount, settings.Seed, settings.Batch, dropLast: true);
        int batch = settings.Batch;
        var indices = new int[batch];
        var labels = new int[batch];

        var clock = Stopwatch.StartNew();
        long peak = GC.GetTotalMemory(false);
        double lossSum = start?.LossSum ?? 0;
        long correct = start?.Hits ?? 0;
        long seenSinceEval = start?.SeenSinceEval ?? 0;
        if (start is { } from)
        {
            batches.Seek(from.Epoch, from.Offset);
        }

        EvalPoint? last = null;
        for (int step = start?.Step ?? 0; step < settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            batches.Next(indices);
            fillBatch(indices, labels);
            var (loss, hits) = train(step, labels);
            if (!double.IsFinite(loss))
            {
                throw new TrainingDivergedException(step + 1, loss / batch);
            }

            lossSum += loss;
            correct += hits;
            seenSinceEval += batch;
            stepCompleted?.Invoke(step + 1, loss / batch);
            if (topology?.Invoke(step + 1, labels) is TopologyUpdate update)
            {
                topologyUpdated?.Invoke(update);
            }

            bool evalNow = (settings.EvalEvery > 0 && (step + 1) % settings.EvalEvery == 0) || step + 1 == settings.Steps;
            if (evalNow)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                var (testLoss, testAccuracy) = evaluate();
                // Samples seen in the regime's unit: images, or tokens (chunks × context) for a language model.
                last = new EvalPoint(step + 1, (long)(step + 1) * batch * regime.TokensPerExample, lossSum / seenSinceEval, (double)correct / seenSinceEval,
                    testLoss, testAccuracy, clock.Elapsed.TotalSeconds);
                evaluated?.Invoke(last);
                lossSum = 0;
                correct = 0;
                seenSinceEval = 0;
            }

            stepEnded?.Invoke(new Position(step + 1, lossSum, correct, seenSinceEval, batches.Epoch, batches.Offset));
        }

        return (last!, clock.Elapsed.TotalSeconds, peak);
    }

    /// <summary>
    /// Mean loss and accuracy over the whole test split, in batches of at most <paramref name="evalBatch"/>:
    /// <paramref name="evaluateBatch"/> gets the batch's inputs [in, n] and labels and returns (summed loss, hits).
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(
        Dataset data, int inputSize, int evalBatch, Func<float[], int[], int, (double Loss, long Hits)> evaluateBatch)
    {
        int count = data.Test.Count;
        int batch = Math.Min(evalBatch, count);
        var x = new float[inputSize * batch]; // [in, batch]
        var labels = new int[batch];
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            data.Test.FillBatch(start, n, x.AsSpan(0, inputSize * n), labels.AsSpan(0, n));
            var (loss, hits) = evaluateBatch(x, labels, n);
            lossSum += loss;
            correct += hits;
        }

        return (lossSum / count, (double)correct / count);
    }
}
