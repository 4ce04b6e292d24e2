namespace SparseDsl.Data;

/// <summary>Shape of the synthetic Gaussian-cluster data set.</summary>
/// <param name="Seed">Fixes the class means and every sample.</param>
/// <param name="Features">Inputs per sample.</param>
/// <param name="Classes">Number of clusters, one per class.</param>
/// <param name="TrainCount">Train samples (labels cycle through the classes, so classes are balanced).</param>
/// <param name="TestCount">Test samples, drawn from the same clusters with their own stream.</param>
/// <param name="Separation">Class means are N(0, Separation²) per feature; the noise is N(0, Noise²).</param>
/// <param name="Noise">Standard deviation of the per-feature noise around a class mean.</param>
public sealed record SyntheticOptions(
    long Seed = 0,
    int Features = 32,
    int Classes = 10,
    int TrainCount = 2048,
    int TestCount = 512,
    double Separation = 1.0,
    double Noise = 1.0);

/// <summary>
/// Seeded Gaussian clusters: class c has a mean μ_c ~ N(0, s²·I), and a sample of class c is μ_c + N(0, σ²·I).
/// With the defaults (32 features, s = σ = 1) the classes are far apart relative to the noise, so a small
/// MLP's loss falls clearly within a few dozen steps while the task is not trivially linear at step 0.
/// </summary>
public static class SyntheticData
{
    public const string Name = "synthetic";

    public static Dataset Create(SyntheticOptions? options = null)
    {
        options ??= new SyntheticOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TrainCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TestCount);

        int features = options.Features;
        var means = new double[options.Classes * features];
        var rng = SeededRandom.For(unchecked((ulong)options.Seed), RandomPurpose.SyntheticMeans);
        for (int k = 0; k < means.Length; k++)
        {
            means[k] = options.Separation * rng.NextGaussian();
        }

        DataSplit train = Draw(options.TrainCount, RandomPurpose.SyntheticTrain);
        DataSplit test = Draw(options.TestCount, RandomPurpose.SyntheticTest);
        return new Dataset(Name, features, options.Classes, train, test);

        DataSplit Draw(int count, ulong purpose)
        {
            var stream = SeededRandom.For(unchecked((ulong)options.Seed), purpose);
            var inputs = new float[count * features];
            var labels = new int[count];
            for (int s = 0; s < count; s++)
            {
                int label = s % options.Classes;
                labels[s] = label;
                for (int i = 0; i < features; i++)
                {
                    double value = means[label * features + i] + options.Noise * stream.NextGaussian();
                    inputs[s * features + i] = (float)value;
                }
            }

            return new DataSplit(inputs, labels, features);
        }
    }
}
