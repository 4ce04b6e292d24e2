using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class SamplerTests
{
    private static int[] Epoch(IEpochSampler sampler, int epoch)
    {
        var order = new int[sampler.EpochLength];
        sampler.FillEpoch(epoch, order);
        return order;
    }

    private static List<int[]> Batches(BatchStream stream, int count)
    {
        var batches = new List<int[]>();
        var buffer = new int[stream.BatchSize];
        for (int k = 0; k < count; k++)
        {
            int n = stream.Next(buffer);
            batches.Add(buffer[..n]);
        }

        return batches;
    }

    [Fact]
    public void SameSeed_SameOrder()
    {
        Assert.Equal(Epoch(new ShuffleSampler(1000, seed: 7), 3), Epoch(new ShuffleSampler(1000, seed: 7), 3));
        Assert.NotEqual(Epoch(new ShuffleSampler(1000, seed: 7), 3), Epoch(new ShuffleSampler(1000, seed: 8), 3));
    }

    [Fact]
    public void EveryEpoch_IsReshuffledPermutation()
    {
        var sampler = new ShuffleSampler(500, seed: 1);
        int[] first = Epoch(sampler, 0);
        int[] second = Epoch(sampler, 1);

        Assert.Equal(Enumerable.Range(0, 500), first.Order());
        Assert.Equal(Enumerable.Range(0, 500), second.Order());
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 500), first);
    }

    [Fact]
    public void FirstUniqueBudget_VisitsOnlyTheFirstU()
    {
        var sampler = new ShuffleSampler(1000, seed: 2, new UniqueBudget(100));

        Assert.Equal(100, sampler.EpochLength);
        Assert.Equal(Enumerable.Range(0, 100), Epoch(sampler, 5).Order());
    }

    [Fact]
    public void RandomUniqueBudget_IsFixedBySubsetSeedNotShuffleSeed()
    {
        var a = new ShuffleSampler(1000, seed: 1, new UniqueBudget(100, SubsetSeed: 9));
        var b = new ShuffleSampler(1000, seed: 2, new UniqueBudget(100, SubsetSeed: 9));
        var c = new ShuffleSampler(1000, seed: 1, new UniqueBudget(100, SubsetSeed: 10));

        Assert.Equal(a.Pool.ToArray(), b.Pool.ToArray());
        Assert.NotEqual(a.Pool.ToArray(), c.Pool.ToArray());
        Assert.NotEqual(Enumerable.Range(0, 100), a.Pool.ToArray());
        Assert.Equal(100, a.Pool.ToArray().Distinct().Count());
        Assert.Equal(a.Pool.ToArray(), Epoch(a, 4).Order());
    }

    [Fact]
    public void UniqueBudgetLargerThanTrain_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShuffleSampler(10, seed: 0, new UniqueBudget(11)));
    }

    [Fact]
    public void BatchStream_EverySampleOncePerEpoch_LastBatchSmaller()
    {
        var stream = new BatchStream(new ShuffleSampler(10, seed: 3), batchSize: 4);

        List<int[]> batches = Batches(stream, 6);

        Assert.Equal([4, 4, 2, 4, 4, 2], batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), batches.Take(3).SelectMany(b => b).Order());
        Assert.Equal(Enumerable.Range(0, 10), batches.Skip(3).SelectMany(b => b).Order());
        Assert.Equal(20, stream.SamplesSeen);
    }

    [Fact]
    public void BatchStream_DropLast_KeepsFullBatches()
    {
        var stream = new BatchStream(new ShuffleSampler(10, seed: 3), batchSize: 4, dropLast: true);

        List<int[]> batches = Batches(stream, 4);

        Assert.All(batches, b => Assert.Equal(4, b.Length));
        Assert.Equal(8, batches.Take(2).SelectMany(b => b).Distinct().Count());
        Assert.Equal(1, stream.Epoch);
        Assert.Equal(16, stream.SamplesSeen);
    }

    [Fact]
    public void BatchStream_SeekToStep_ResumesTheSameSequence()
    {
        var sampler = new ShuffleSampler(50, seed: 11, new UniqueBudget(23, SubsetSeed: 4));
        List<int[]> straight = Batches(new BatchStream(sampler, 5), 17);

        var resumed = new BatchStream(sampler, 5);
        resumed.SeekToStep(9);
        List<int[]> tail = Batches(resumed, 8);

        Assert.Equal(straight.Skip(9), tail);
    }

    [Fact]
    public void Rs2_FreshFractionPerEpoch_WithoutReplacement()
    {
        var sampler = new Rs2Sampler(1000, seed: 5, fraction: 0.1);
        int[] first = Epoch(sampler, 0);
        int[] second = Epoch(sampler, 1);

        Assert.Equal(100, sampler.EpochLength);
        Assert.Equal(100, first.Distinct().Count());
        Assert.Equal(100, second.Distinct().Count());
        Assert.All(first, i => Assert.InRange(i, 0, 999));
        Assert.NotEqual(first.Order(), second.Order());
        Assert.Equal(first, Epoch(new Rs2Sampler(1000, seed: 5, fraction: 0.1), 0));
    }
}
