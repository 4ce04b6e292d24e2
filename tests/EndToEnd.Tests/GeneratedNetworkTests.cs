using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>The generated CPU network against its float64 twin on fresh random inputs.</summary>
public sealed class GeneratedNetworkTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(33, 3)]
    public void Forward_MatchesFloat64Reference(int batch, int seed)
    {
        var network = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, seed));
        var reference = new ReferenceNetwork(network);
        var input = TensorAssert.Random(new Random(100 + seed), 19 * batch);

        float[] output = network.Forward(input.Select(v => (float)v).ToArray(), batch);

        TensorAssert.Close(reference.Forward(input, batch)[^1], output.AsSpan(0, 4 * batch), 1e-5, 1e-4, "logits");
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(9, 5)]
    public void Backward_MatchesFloat64Reference(int batch, int seed)
    {
        var network = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, seed));
        var reference = new ReferenceNetwork(network);
        var random = new Random(200 + seed);
        var input = TensorAssert.Random(random, 19 * batch);
        var r = TensorAssert.Random(random, 4 * batch);

        network.Forward(input.Select(v => (float)v).ToArray(), batch);
        network.Backward(r.Select(v => (float)v).ToArray(), batch);
        var expected = reference.Backward(reference.Forward(input, batch), r, batch);

        var linears = network.Layers.OfType<Linear>().ToList();
        for (int l = 0; l < linears.Count; l++)
        {
            // A sparse layer has gradients only at its active weights: compare there, zeros elsewhere.
            float[] weights = linears[l].ToDenseWeights();
            double[] expectedWeights = expected[l].DW.Select((g, j) => weights[j] != 0 ? g : 0).ToArray();
            TensorAssert.Close(expectedWeights, linears[l].DenseWeightGradient(), 1e-5, 1e-4, linears[l].Name + " dW");
            TensorAssert.Close(expected[l].DB, linears[l].Parameters[1].Grad, 1e-5, 1e-4, linears[l].Name + " db");
        }
    }

    [Fact]
    public void ReferenceGradients_MatchFiniteDifferences()
    {
        const int batch = 3;
        var network = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 11));
        var reference = new ReferenceNetwork(network);
        var random = new Random(300);
        var input = TensorAssert.Random(random, 19 * batch);
        var r = TensorAssert.Random(random, 4 * batch);
        var analytic = reference.Backward(reference.Forward(input, batch), r, batch);

        for (int l = 0; l < reference.LayerCount; l++)
        {
            var weights = reference.Weights(l);
            foreach (int index in Enumerable.Range(0, 6).Select(_ => random.Next(weights.Length)))
            {
                double saved = weights[index];
                const double h = 1e-6;
                weights[index] = saved + h;
                double plus = reference.Objective(input, r, batch);
                weights[index] = saved - h;
                double minus = reference.Objective(input, r, batch);
                weights[index] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[l].DW[index]) < 1e-6 + 1e-5 * Math.Abs(numeric),
                    $"layer {l} weight {index}: finite difference {numeric:G9}, analytic {analytic[l].DW[index]:G9}");
            }
        }
    }

    [Fact]
    public void NinetyFivePercentSparseModel_StoresAboutFivePercentOfTheWeights()
    {
        var network = new WideMlp();
        var sparsified = network.Layers.Where(l => l.Name is "Hidden1" or "Hidden2").ToList();
        long dense = sparsified.Sum(l => l.DenseWeights);
        long stored = network.Parameters.Where(p => p.Name is "Hidden1.weight" or "Hidden2.weight").Sum(p => (long)p.Length);

        Assert.Equal(sparsified.Sum(l => l.ActiveWeights), stored);
        Assert.InRange((double)stored / dense, 0.049, 0.051);
        Assert.Equal(1.0, network.Output.Density);
    }

    [Fact]
    public void SameSeed_SameNetwork_OtherSeed_OtherMask()
    {
        var a = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 5)).Layers.OfType<Linear>().Select(l => l.ToDenseWeights()).ToList();
        var b = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 5)).Layers.OfType<Linear>().Select(l => l.ToDenseWeights()).ToList();
        var c = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 6)).Layers.OfType<Linear>().Select(l => l.ToDenseWeights()).ToList();

        Assert.Equal(a.SelectMany(w => w), b.SelectMany(w => w));
        Assert.NotEqual(a.SelectMany(w => w), c.SelectMany(w => w));
    }
}
