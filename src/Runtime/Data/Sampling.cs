namespace SparseDsl.Data;

/// <summary>
/// Which train samples one epoch visits, and in which order. A pure function of (seed, epoch): the same seed
/// gives the same order on every machine, and an epoch can be produced without the ones before it (resume).
/// A new data regime (RS2, curriculum, …) is a new implementation; <see cref="BatchStream"/> cuts any of them
/// into batches.
/// </summary>
public interface IEpochSampler
{
    /// <summary>Samples one epoch visits.</summary>
    int EpochLength { get; }

    /// <summary>Fills <paramref name="order"/> (length <see cref="EpochLength"/>) with epoch <paramref name="epoch"/>'s train indices.</summary>
    void FillEpoch(int epoch, Span<int> order);
}

/// <summary>
/// A unique-sample budget U (SCIENCE.md §5): the whole training set is U samples, either the first U of the
/// train split (<paramref name="SubsetSeed"/> null) or a random U drawn with <paramref name="SubsetSeed"/>
/// (kept apart from the shuffle seed so runs with different seeds can share one subset).
/// </summary>
public sealed record UniqueBudget(int Count, long? SubsetSeed = null)
{
    /// <summary>The train indices in the budget, ascending.</summary>
    public int[] Select(int trainCount)
    {
        if (Count < 1 || Count > trainCount)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, $"the unique budget must be in [1, {trainCount}] (the train split's size)");
        }

        var all = new int[trainCount];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        if (SubsetSeed is { } seed)
        {
            var rng = SeededRandom.For(unchecked((ulong)seed), RandomPurpose.UniqueSubset);
            PartialShuffle(ref rng, all, Count);
            Array.Sort(all, 0, Count);
        }

        return all[..Count];
    }

    /// <summary>Moves a uniform random <paramref name="count"/>-subset of <paramref name="values"/> to its front (Fisher–Yates, first steps).</summary>
    internal static void PartialShuffle(ref SeededRandom rng, Span<int> values, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(values.Length - i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}

/// <summary>
/// Every sample of the pool (the train split, or its <see cref="UniqueBudget"/>) exactly once per epoch, in an
/// order reshuffled every epoch with (seed, epoch) as the seed.
/// </summary>
public sealed class ShuffleSampler : IEpochSampler
{
    private readonly int[] pool;
    private readonly ulong seed;

    public ShuffleSampler(int trainCount, long seed, UniqueBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        pool = (budget ?? new UniqueBudget(trainCount)).Select(trainCount);
        this.seed = unchecked((ulong)seed);
    }

    /// <summary>The unique train indices this sampler ever visits, ascending.</summary>
    public ReadOnlySpan<int> Pool => pool;

    public int EpochLength => pool.Length;

    public void FillEpoch(int epoch, Span<int> order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        pool.CopyTo(order[..pool.Length]);
        var rng = SeededRandom.For(seed, RandomPurpose.EpochShuffle, (ulong)epoch);
        rng.Shuffle(order[..pool.Length]);
    }
}

/// <summary>
/// RS2 with replacement across rounds (SCIENCE.md §5; Okanovic et al. 2024): each epoch visits a fresh random
/// fraction r of the pool (the train split, or its <see cref="UniqueBudget"/>), without replacement within the
/// epoch, in random order; epochs are drawn independently, so an example may come back in the next epoch while
/// another waits. <see cref="Rs2PassSampler"/> is the authors' default, without replacement across rounds too.
/// </summary>
public sealed class Rs2Sampler : IEpochSampler
{
    private readonly int[] pool;
    private readonly ulong seed;

    public Rs2Sampler(int trainCount, long seed, double fraction, UniqueBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        pool = (budget ?? new UniqueBudget(trainCount)).Select(trainCount);
        this.seed = unchecked((ulong)seed);
        EpochLength = Rs2PassSampler.RoundLength(pool.Length, fraction);
    }

    public int EpochLength { get; }

    public void FillEpoch(int epoch, Span<int> order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        int[] all = (int[])pool.Clone();
        var rng = SeededRandom.For(seed, RandomPurpose.EpochFraction, (ulong)epoch);
        UniqueBudget.PartialShuffle(ref rng, all, EpochLength);
        all.AsSpan(0, EpochLength).CopyTo(order);
    }
}

/// <summary>
/// RS2 without replacement (the authors' default, their <c>UniformNoReplacement</c>): the pool is shuffled once per
/// pass, with (seed, pass) as the seed, and cut into R = ⌊N / m⌋ rounds of m = round(r·N) examples; epoch e is round
/// e mod R of pass ⌊e / R⌋. Within a pass no example repeats; the N − R·m examples left at the end of a pass's
/// order sit that pass out (the authors' code wraps those into a shorter round instead; here every epoch has the
/// same length). With r = 0.1 and N divisible by 10, every example is seen exactly once per 10 epochs.
/// </summary>
public sealed class Rs2PassSampler : IEpochSampler
{
    private readonly int[] pool;
    private readonly ulong seed;

    public Rs2PassSampler(int trainCount, long seed, double fraction, UniqueBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        pool = (budget ?? new UniqueBudget(trainCount)).Select(trainCount);
        this.seed = unchecked((ulong)seed);
        EpochLength = RoundLength(pool.Length, fraction);
        RoundsPerPass = pool.Length / EpochLength;
    }

    public int EpochLength { get; }

    /// <summary>Epochs (rounds) per pass over the pool: ⌊N / m⌋.</summary>
    public int RoundsPerPass { get; }

    public void FillEpoch(int epoch, Span<int> order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        int pass = epoch / RoundsPerPass;
        int round = epoch % RoundsPerPass;
        int[] all = (int[])pool.Clone();
        var rng = SeededRandom.For(seed, RandomPurpose.Rs2Pass, (ulong)pass);
        rng.Shuffle(all);
        all.AsSpan(round * EpochLength, EpochLength).CopyTo(order);
    }

    /// <summary>m = round(r·N), at least 1; r must be in (0, 1].</summary>
    internal static int RoundLength(int poolSize, double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the RS2 fraction must be in (0, 1]");
        }

        return Math.Max(1, (int)Math.Round(fraction * poolSize, MidpointRounding.AwayFromZero));
    }
}
