using SparseDsl.Data;
using SparseDsl.Training;

namespace SparseDsl.Experiments;

/// <summary>
/// What a finished run stores beside its final metrics, as <c>run/…</c> rows of the long metrics table: the data
/// regime's U and D (in tokens for a language model, samples for images), its epochs, the weights counted apart from N
/// (embeddings and head), the training state's bytes and the throughput. <c>fit</c> reads U from here when the run's
/// config has no 'unique_tokens'.
/// </summary>
public static class RunFigures
{
    public const string Prefix = "run/";
    public const string UniqueTokens = Prefix + "unique_tokens";
    public const string Tokens = Prefix + "tokens";
    public const string Epochs = Prefix + "epochs";
    public const string EmbeddingParameters = Prefix + "embedding_params";
    public const string StateBytes = Prefix + "state_bytes";
    public const string TokensPerSecond = Prefix + "tokens_per_second";

    /// <summary>The rows for one run: <paramref name="trainExamples"/> is the size of the train split in the regime's examples.</summary>
    public static IReadOnlyList<Metric> Of(INetwork network, TrainingSettings settings, TrainingSummary summary, int trainExamples)
    {
        var regime = settings.Regime ?? new DataRegime();
        var plan = regime.Plan(trainExamples, settings.Batch);
        var figures = new List<Metric>
        {
            new(UniqueTokens, plan.UniqueTokens),
            new(Tokens, summary.SamplesSeen),
            new(Epochs, regime.Epochs),
            new(StateBytes, summary.TrainingStateBytes),
            new(TokensPerSecond, summary.WallSeconds > 0 ? summary.SamplesSeen / summary.WallSeconds : double.NaN),
        };
        if (network is ITokenNetwork language)
        {
            figures.Add(new(EmbeddingParameters, language.EmbeddingParameters));
        }

        return figures;
    }
}
