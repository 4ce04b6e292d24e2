using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class SyntheticDataTests
{
    [Fact]
    public void SameSeed_SameData_OtherSeed_OtherData()
    {
        Dataset a = SyntheticData.Create(new SyntheticOptions(Seed: 4));
        Dataset b = SyntheticData.Create(new SyntheticOptions(Seed: 4));
        Dataset c = SyntheticData.Create(new SyntheticOptions(Seed: 5));

        Assert.Equal(a.Train.Inputs, b.Train.Inputs);
        Assert.Equal(a.Test.Inputs, b.Test.Inputs);
        Assert.Equal(a.Train.Labels, b.Train.Labels);
        Assert.NotEqual(a.Train.Inputs, c.Train.Inputs);
        Assert.NotEqual(a.Train.Inputs, a.Test.Inputs[..a.Test.Inputs.Length]);
    }

    [Fact]
    public void Shape_FollowsOptions_ClassesBalanced()
    {
        Dataset data = SyntheticData.Create(new SyntheticOptions(Features: 6, Classes: 4, TrainCount: 100, TestCount: 20));

        Assert.Equal((6, 4, 100, 20), (data.Features, data.Classes, data.Train.Count, data.Test.Count));
        Assert.All(Enumerable.Range(0, 4), c => Assert.Equal(25, data.Train.Labels.Count(l => l == c)));
        Assert.All(data.Train.Inputs, v => Assert.True(float.IsFinite(v)));
    }

    /// <summary>Softmax regression trained by plain SGD on feature-major batches: the loss must fall clearly in 40 steps.</summary>
    [Fact]
    public void SmallModel_LossFallsWithinFortySteps()
    {
        Dataset data = SyntheticData.Create();
        int features = data.Features;
        int classes = data.Classes;
        const int batch = 32;
        var weights = new double[classes * features];
        var bias = new double[classes];
        var stream = new BatchStream(new ShuffleSampler(data.Train.Count, seed: 0), batch);
        var indices = new int[batch];
        var x = new float[features * batch];
        var labels = new int[batch];
        var losses = new List<double>();

        for (int step = 0; step < 40; step++)
        {
            int n = stream.Next(indices);
            data.Train.FillBatch(indices.AsSpan(0, n), x, labels);
            var gradW = new double[weights.Length];
            var gradB = new double[classes];
            double loss = 0;
            var logits = new double[classes];
            for (int b = 0; b < n; b++)
            {
                for (int c = 0; c < classes; c++)
                {
                    double z = bias[c];
                    for (int i = 0; i < features; i++)
                    {
                        z += weights[c * features + i] * x[i * n + b];
                    }

                    logits[c] = z;
                }

                double max = logits.Max();
                double sum = logits.Sum(z => Math.Exp(z - max));
                loss += -(logits[labels[b]] - max - Math.Log(sum)) / n;
                for (int c = 0; c < classes; c++)
                {
                    double g = (Math.Exp(logits[c] - max) / sum - (c == labels[b] ? 1 : 0)) / n;
                    gradB[c] += g;
                    for (int i = 0; i < features; i++)
                    {
                        gradW[c * features + i] += g * x[i * n + b];
                    }
                }
            }

            losses.Add(loss);
            for (int k = 0; k < weights.Length; k++)
            {
                weights[k] -= 0.05 * gradW[k];
            }

            for (int c = 0; c < classes; c++)
            {
                bias[c] -= 0.05 * gradB[c];
            }
        }

        double start = losses.Take(3).Average();
        double end = losses.TakeLast(3).Average();
        Assert.True(end < 0.5 * start, $"loss went from {start:F3} to {end:F3}");
    }
}
