using SparseDsl.Data;

namespace SparseDsl.Training;

/// <summary>
/// Trains a language model on a <see cref="TokenCorpus"/>: each step a batch of chunks of the train part (the data
/// regime's order: U, epochs, RS2), forward, next-token loss, backward, optimizer step (and a topology update when a
/// dynamic schedule says so), with periodic evaluation on validation chunks. The loop, its checkpoints and resume are
/// the image trainer's (<see cref="TrainingLoop"/>); an evaluation's "accuracy" is next-token accuracy and its samples
/// seen are tokens.
/// </summary>
public sealed class TokenTrainer(ITokenNetwork network, TokenCorpus corpus, TrainingSettings settings) : TrainerHooks
{
    /// <summary>The default of <see cref="EvalSequences"/>: 256 chunks (32 768 tokens at T = 128).</summary>
    public const int DefaultEvalSequences = 256;

    /// <summary>
    /// Validation chunks an evaluation reads: this many spread evenly over the validation part (all of them when it has
    /// fewer), the same chunks at every evaluation, so the curve compares like with like.
    /// </summary>
    public int EvalSequences { get; init; } = DefaultEvalSequences;

    public TrainingSummary Run(CancellationToken cancellation = default)
    {
        int T = network.Context, batch = settings.Batch;
        // An example is a chunk of T tokens: what the run has seen is counted in tokens (D).
        settings = settings with { Regime = (settings.Regime ?? new DataRegime()) with { TokensPerExample = T } };
        int chunks = Validate(network, corpus, settings);
        var optimizer = Optimizer.Create(settings.Optimizer, network.Parameters, settings.Steps);
        TrainingLoop.Position? start = Trainer.Resume(ResumeFrom, network, optimizer, settings);
        var dynamic = DynamicSparsity.For(network, settings.Schedule, settings.Steps);
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
            Evaluate,
            StepCompleted,
            Evaluated,
            cancellation,
            Trainer.TopologyHook(dynamic, _ => network.Evaluate(ids, targets, batch).Loss),
            TopologyUpdated,
            start,
            Trainer.CheckpointHook(Checkpoints, CheckpointEvery, network, optimizer, settings));

        long stateBytes = network.Parameters.Sum(p => 2L * p.Length * sizeof(float)) + optimizer.StateBytes;
        return new TrainingSummary(last, (long)settings.Steps * batch * T, wall, stateBytes, peak);
    }

    /// <summary>Mean token loss and next-token accuracy over the evaluation chunks of the validation part.</summary>
    public (double Loss, double Accuracy) Evaluate() => Evaluate(corpus, network.Context, settings.Batch, EvalSequences, network.Evaluate);

    /// <summary>
    /// Mean token loss and next-token accuracy of <paramref name="evaluate"/> (a forward pass on either backend) over
    /// <paramref name="sequences"/> validation chunks spread evenly over the validation part, the same every time.
    /// </summary>
    internal static (double Loss, double Accuracy) Evaluate(
        TokenCorpus corpus, int T, int batchSize, int sequences, Func<int[], int[], int, (double Loss, long Correct)> evaluate)
    {
        int available = corpus.Validation.ChunkCount(T);
        int count = Math.Min(Math.Max(1, sequences), available);
        int batch = Math.Min(batchSize, count);
        var chunks = new int[batch];
        var ids = new int[batch * T];
        var targets = new int[batch * T];
        double lossSum = 0;
        long correct = 0;
        for (int first = 0; first < count; first += batch)
        {
            int n = Math.Min(batch, count - first);
            for (int b = 0; b < n; b++)
            {
                chunks[b] = (int)((long)(first + b) * available / count); // evenly spread, the same every time
            }

            corpus.Validation.FillBatch(chunks.AsSpan(0, n), T, ids, targets);
            var (loss, hits) = evaluate(ids, targets, n);
            lossSum += loss * n;
            correct += hits;
        }

        return (lossSum / count, (double)correct / ((long)count * T));
    }

    /// <summary>The corpus fits the model and one batch; returns the train part's chunk count.</summary>
    internal static int Validate(ITokenNetwork network, TokenCorpus corpus, TrainingSettings settings)
    {
        if (corpus.VocabSize > network.Vocab)
        {
            throw new InvalidOperationException(
                $"data set '{corpus.Name}' has a vocabulary of {corpus.VocabSize} tokens ({corpus.Tokenizer.Name}), but the model's [Embedding] takes {network.Vocab}; declare vocab: {corpus.VocabSize}");
        }

        int chunks = corpus.Train.ChunkCount(network.Context);
        if (chunks < settings.Batch)
        {
            throw new InvalidOperationException(
                $"data set '{corpus.Name}' has {chunks} training chunks of {network.Context} tokens, fewer than one batch of {settings.Batch}; use a smaller batch or context");
        }

        if (corpus.Validation.ChunkCount(network.Context) < 1)
        {
            throw new InvalidOperationException(
                $"data set '{corpus.Name}' has {corpus.Validation.Count} validation tokens, less than one chunk of {network.Context}; use a larger text or a smaller context");
        }

        return chunks;
    }
}
