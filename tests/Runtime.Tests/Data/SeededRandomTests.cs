using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public class SeededRandomTests
{
    /// <summary>
    /// NextInt computes the rejection threshold only when the low half is below the bound: the same draws as the
    /// textbook form that computes it every time (so every stream drawn before keeps its numbers), on bounds that do and
    /// do not divide 2^64.
    /// </summary>
    [Fact]
    public void NextInt_SameDrawsAsTheTextbookForm()
    {
        var bounds = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int bound = trial % 3 == 0 ? 1 << bounds.Next(31) : bounds.Next(1, int.MaxValue);
            var fast = SeededRandom.For((ulong)trial, RandomPurpose.MaskUpdate);
            var textbook = SeededRandom.For((ulong)trial, RandomPurpose.MaskUpdate);
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal(Textbook(ref textbook, bound), fast.NextInt(bound));
            }
        }
    }

    /// <summary>The Random adapter: the same stream gives the same numbers, in range, spread evenly over small bounds.</summary>
    [Fact]
    public void Source_Deterministic_InRange_Uniform()
    {
        Random a = new SeededRandomSource(SeededRandom.For(7, RandomPurpose.MaskUpdate, 3));
        Random b = new SeededRandomSource(SeededRandom.For(7, RandomPurpose.MaskUpdate, 3));
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            int x = a.Next(10);
            Assert.Equal(x, b.Next(10));
            counts[x]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500)); // expected 10,000, sd 95
        Assert.Equal(0, a.Next(0));
        for (int i = 0; i < 1_000; i++)
        {
            Assert.InRange(a.Next(-5, 5), -5, 4);
            Assert.InRange(a.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue - 1);
            Assert.InRange(a.NextDouble(), 0.0, Math.BitDecrement(1.0));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => a.Next(-1));
    }

    private static int Textbook(ref SeededRandom random, int bound)
    {
        ulong range = (ulong)bound, threshold = (0UL - range) % range;
        while (true)
        {
            ulong product = Math.BigMul(random.NextUInt64(), range, out ulong low);
            if (low >= threshold)
            {
                return (int)product;
            }
        }
    }
}
