namespace SparseDsl.Data;

/// <summary>
/// SplitMix64: a small, fast generator whose output is fixed by this code alone (System.Random's seeded
/// sequence is an implementation detail of the runtime). Streams are derived by hashing (seed, purpose, index),
/// so epoch 7 of a sampler does not depend on how many numbers epoch 6 drew.
/// </summary>
internal struct SeededRandom(ulong state)
{
    private ulong state = state;

    /// <summary>A generator for (seed, purpose, index), e.g. (run seed, "shuffle", epoch).</summary>
    public static SeededRandom For(ulong seed, ulong purpose, ulong index = 0) =>
        new(Mix(Mix(Mix(seed) ^ purpose) ^ index));

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Uniform in [0, bound), unbiased (Lemire's multiply-and-reject; the rejection threshold, a 64-bit division, is
    /// computed only in the rare case that can need it).
    /// </summary>
    public int NextInt(int bound)
    {
        if (bound <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        }

        ulong range = (ulong)bound;
        ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0UL - range) % range; // below range: a low part at or above range is always accepted
            while (low < threshold)
            {
                product = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return (int)product;
    }

    /// <summary>Standard normal (Box–Muller; one value per call, the twin discarded for simplicity).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}

/// <summary>
/// <see cref="SeededRandom"/> behind the <see cref="Random"/> API, for code that takes one (<c>MaskUpdater.Plan</c>):
/// <c>new Random(seed)</c> keeps .NET's old seeded generator, several times slower a draw, and a random growth draws
/// tens of thousands of units per update.
/// </summary>
internal sealed class SeededRandomSource(SeededRandom stream) : Random
{
    private SeededRandom stream = stream;

    public override int Next() => stream.NextInt(int.MaxValue);

    public override int Next(int maxValue) => maxValue == 0 ? 0 : stream.NextInt(maxValue);

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        long range = (long)maxValue - minValue;
        return range == 0 ? minValue : (int)(minValue + (range <= int.MaxValue ? stream.NextInt((int)range) : (long)(stream.NextDouble() * range)));
    }

    public override double NextDouble() => stream.NextDouble();

    protected override double Sample() => stream.NextDouble();
}

/// <summary>Purpose tags that keep the random streams of one seed apart.</summary>
internal static class RandomPurpose
{
    public const ulong EpochShuffle = 0x5348554646_4C45UL;
    public const ulong UniqueSubset = 0x554E49_51554555UL;
    public const ulong EpochFraction = 0x525332_5F465241UL;
    public const ulong Rs2Pass = 0x525332_50415353UL;
    public const ulong SyntheticMeans = 0x53594E_4D45414EUL;
    public const ulong SyntheticTrain = 0x53594E_54524149UL;
    public const ulong SyntheticTest = 0x53594E_54455354UL;
    public const ulong MaskUpdate = 0x4D41534B_555044UL;
}
