using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class DataSplitTests
{
    // 4 samples × 3 features; sample s, feature i = 10*s + i.
    private static DataSplit Split() =>
        new(Enumerable.Range(0, 12).Select(k => (float)(10 * (k / 3) + k % 3)).ToArray(), [0, 1, 2, 1], 3);

    [Fact]
    public void FillBatch_IsFeatureMajor()
    {
        DataSplit split = Split();
        var x = new float[3 * 2];
        var labels = new int[2];

        split.FillBatch([2, 0], x, labels);

        // x[i*batch + b] = sample(indices[b])[i]
        Assert.Equal([20f, 0f, 21f, 1f, 22f, 2f], x);
        Assert.Equal([2, 0], labels);
    }

    [Theory]
    [InlineData(5, 1, 7)]
    [InlineData(16, 2, 7)]
    [InlineData(37, 3, 7)]
    [InlineData(37, 4, 43)]
    [InlineData(128, 5, 784)]
    public void FillBatch_MatchesReferenceForEveryElement(int batch, int seed, int features)
    {
        // Batches below, at and across the 16-sample blocks of the copy, features below, at and across its 8-wide
        // transposes (and Fashion-MNIST's shape); repeated samples allowed.
        Dataset data = SyntheticData.Create(new SyntheticOptions(Seed: 3, Features: features, TrainCount: 40));
        var random = new Random(seed);
        int[] indices = [39, 0, .. Enumerable.Range(0, batch - 2).Select(_ => random.Next(40))];
        var x = new float[features * indices.Length + 3];
        x[^1] = -42f;
        var labels = new int[indices.Length];

        data.Train.FillBatch(indices, x, labels);

        for (int b = 0; b < indices.Length; b++)
        {
            for (int i = 0; i < features; i++)
            {
                Assert.Equal(data.Train.Inputs[indices[b] * features + i], x[i * indices.Length + b]);
            }

            Assert.Equal(data.Train.Labels[indices[b]], labels[b]);
        }

        Assert.Equal(-42f, x[^1]);
    }

    [Fact]
    public void FillBatchRange_TakesConsecutiveSamples()
    {
        var x = new float[3 * 2];
        var labels = new int[2];

        Split().FillBatch(start: 2, count: 2, x, labels);

        Assert.Equal([20f, 30f, 21f, 31f, 22f, 32f], x);
        Assert.Equal([2, 1], labels);
    }

    [Fact]
    public void FillBatch_BufferTooSmallOrIndexOutside_Throws()
    {
        DataSplit split = Split();

        Assert.Throws<ArgumentException>(() => split.FillBatch([0, 1], new float[5], new int[2]));
        Assert.Throws<ArgumentException>(() => split.FillBatch([0, 1], new float[6], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => split.FillBatch([4], new float[3], new int[1]));
    }

    [Fact]
    public void Constructor_InconsistentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => new DataSplit(new float[7], [0, 1], 3));
        Assert.Throws<ArgumentException>(() => new Dataset("d", 3, 2, Split(), Split()));
    }

    [Fact]
    public void Subset_KeepsOrder()
    {
        DataSplit subset = Split().Subset([3, 1]);

        Assert.Equal([30f, 31f, 32f, 10f, 11f, 12f], subset.Inputs);
        Assert.Equal([1, 1], subset.Labels);
    }

    [Fact]
    public void Standardized_GivesZeroMeanUnitStdOnTrain()
    {
        Dataset data = SyntheticData.Create(new SyntheticOptions(Seed: 1, Features: 5, TrainCount: 500));

        Dataset standard = data.Standardized(epsilon: 0f);

        for (int i = 0; i < 5; i++)
        {
            double[] column = Enumerable.Range(0, 500).Select(s => (double)standard.Train.Inputs[s * 5 + i]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            Assert.InRange(mean, -1e-5, 1e-5);
            Assert.InRange(std, 1 - 1e-4, 1 + 1e-4);
        }

        Assert.Same(data.Test.Labels, standard.Test.Labels);
    }
}
