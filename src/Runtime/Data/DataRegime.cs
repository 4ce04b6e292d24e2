using System.Globalization;

namespace SparseDsl.Data;

/// <summary>How each epoch draws from the training set: <c>full</c> or RS2.</summary>
public enum SamplingKind
{
    /// <summary>Every example once per epoch, reshuffled per epoch.</summary>
    Full,

    /// <summary>RS2 without replacement across rounds (<see cref="Rs2PassSampler"/>), the authors' default.</summary>
    Rs2,

    /// <summary>RS2 with replacement across rounds (<see cref="Rs2Sampler"/>): each round drawn independently.</summary>
    Rs2Replace,
}

/// <summary>
/// The <c>sampling</c> axis: <c>full</c> | <c>rs2 r=R</c> | <c>rs2 r=R replace</c> (R in (0, 1]). Under RS2 an epoch is a
/// round of round(R·N) examples of the training set (N its size), never one example twice within the round.
/// </summary>
public sealed record Sampling(SamplingKind Kind, double Fraction)
{
    public static Sampling Full { get; } = new(SamplingKind.Full, 1.0);

    public static Sampling Rs2(double fraction, bool replace = false)
    {
        Rs2PassSampler.RoundLength(1, fraction);
        return new Sampling(replace ? SamplingKind.Rs2Replace : SamplingKind.Rs2, fraction);
    }

    /// <summary>Reads the text form; a bad one is a <see cref="FormatException"/> of one line saying what is expected.</summary>
    public static Sampling Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        if (words is ["full"])
        {
            return Full;
        }

        if (words is ["rs2", var r, ..] && words.Length <= 3 && r.StartsWith("r=", StringComparison.Ordinal)
            && double.TryParse(r[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction)
            && fraction > 0 && fraction <= 1
            && (words.Length == 2 || words[2] == "replace"))
        {
            return Rs2(fraction, replace: words.Length == 3);
        }

        throw new FormatException($"sampling '{text}' is not one of: full, rs2 r=R, rs2 r=R replace (R a fraction in (0, 1], e.g. rs2 r=0.1)");
    }

    public override string ToString() => Kind switch
    {
        SamplingKind.Full => "full",
        SamplingKind.Rs2 => $"rs2 r={Fraction.ToString("R", CultureInfo.InvariantCulture)}",
        _ => $"rs2 r={Fraction.ToString("R", CultureInfo.InvariantCulture)} replace",
    };
}

/// <summary>
/// The data regime of one run, over "training examples" of any kind: images of a <see cref="Dataset"/>, or chunks of
/// a <see cref="TokenStream"/> (<see cref="ForTokens"/>). Pure and seeded: the training set is <see
/// cref="UniqueExamples"/> examples drawn with <see cref="SubsetSeed"/> (U, SCIENCE.md §5), each of <see
/// cref="Epochs"/> epochs reshuffles it with (run seed, epoch) as the seed (<c>full</c>) or takes an RS2 round of it.
/// </summary>
public sealed record DataRegime
{
    /// <summary>U in examples; null for every training example.</summary>
    public long? UniqueExamples { get; init; }

    /// <summary>Passes over U (<c>full</c>) or RS2 rounds; D = U × epochs under <c>full</c>.</summary>
    public int Epochs { get; init; } = 1;

    public Sampling Sampling { get; init; } = Sampling.Full;

    /// <summary>
    /// Seeds the choice of the U examples, apart from the run's seed so runs of several seeds share one training
    /// set; null takes the first U (a prefix of the text, for tokens). Default 0: a seeded sample.
    /// </summary>
    public long? SubsetSeed { get; init; } = 0;

    /// <summary>Tokens one example trains on: the context T for chunks, 1 for images (then "tokens" count samples).</summary>
    public int TokensPerExample { get; init; } = 1;

    /// <summary>
    /// A token budget U over chunks of <paramref name="context"/>: ⌊U / T⌋ chunks, so the training set holds
    /// ⌊U / T⌋·T tokens, exactly U when T divides U and otherwise less than U by under one chunk.
    /// </summary>
    public static DataRegime ForTokens(long? uniqueTokens, int context, int epochs = 1, Sampling? sampling = null, long? subsetSeed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);
        long? chunks = null;
        if (uniqueTokens is { } u)
        {
            chunks = u / context;
            if (chunks < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(uniqueTokens), u, $"unique_tokens {u} is less than one chunk of the context ({context} tokens)");
            }
        }

        return new DataRegime
        {
            UniqueExamples = chunks,
            Epochs = epochs,
            Sampling = sampling ?? Sampling.Full,
            SubsetSeed = subsetSeed,
            TokensPerExample = context,
        };
    }

    /// <summary>The order of every epoch over <paramref name="exampleCount"/> training examples, for run seed <paramref name="seed"/>.</summary>
    public IEpochSampler CreateSampler(int exampleCount, long seed)
    {
        var budget = new UniqueBudget(Unique(exampleCount), SubsetSeed);
        return Sampling.Kind switch
        {
            SamplingKind.Full => new ShuffleSampler(exampleCount, seed, budget),
            SamplingKind.Rs2 => new Rs2PassSampler(exampleCount, seed, Sampling.Fraction, budget),
            _ => new Rs2Sampler(exampleCount, seed, Sampling.Fraction, budget),
        };
    }

    /// <summary>The batches of every epoch (see <see cref="BatchStream"/>); <see cref="Plan"/> counts them.</summary>
    public BatchStream CreateBatches(int exampleCount, long seed, int batch, bool dropLast = true) =>
        new(CreateSampler(exampleCount, seed), batch, dropLast);

    /// <summary>The run's size: steps, examples and tokens, as <see cref="CreateBatches"/> will hand them out.</summary>
    public RegimePlan Plan(int exampleCount, int batch, bool dropLast = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int unique = Unique(exampleCount);
        int perEpoch = Sampling.Kind == SamplingKind.Full ? unique : Rs2PassSampler.RoundLength(unique, Sampling.Fraction);
        if (dropLast && batch > perEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"a batch of {batch} does not fit in an epoch of {Describe(perEpoch)}; lower the batch or raise the budget");
        }

        int batches = dropLast ? perEpoch / batch : (perEpoch + batch - 1) / batch;
        long seenPerEpoch = dropLast ? (long)batches * batch : perEpoch;
        long examplesSeen = seenPerEpoch * Epochs;
        return new RegimePlan(
            UniqueExamples: unique,
            ExamplesPerEpoch: perEpoch,
            Epochs: Epochs,
            BatchesPerEpoch: batches,
            Steps: (long)batches * Epochs,
            ExamplesSeen: examplesSeen,
            UniqueTokens: (long)unique * TokensPerExample,
            Tokens: examplesSeen * TokensPerExample);
    }

    private int Unique(int exampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(TokensPerExample, 1, nameof(TokensPerExample));
        long unique = UniqueExamples ?? exampleCount;
        if (unique < 1 || unique > exampleCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(UniqueExamples),
                unique,
                $"the unique budget of {Describe(unique)} is not within the {Describe(exampleCount)} of the training set");
        }

        return (int)unique;
    }

    private string Describe(long examples) => TokensPerExample == 1
        ? $"{examples:N0} examples"
        : $"{examples * TokensPerExample:N0} tokens ({examples:N0} chunks of {TokensPerExample})";
}

/// <summary>
/// What a <see cref="DataRegime"/> gives for one training set and batch: U and D in examples and in tokens, and the
/// steps. <see cref="Tokens"/> is D as trained on: with dropLast the partial batch at the end of every epoch is
/// left out, so D = Steps × batch × tokens per example ≤ U × epochs (RS2: ≤ round(r·U) × epochs).
/// </summary>
public sealed record RegimePlan(
    int UniqueExamples,
    int ExamplesPerEpoch,
    int Epochs,
    int BatchesPerEpoch,
    long Steps,
    long ExamplesSeen,
    long UniqueTokens,
    long Tokens);
