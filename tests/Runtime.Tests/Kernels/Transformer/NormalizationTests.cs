using SparseDsl.Kernels;
using static SparseDsl.Runtime.Tests.Kernels.Transformer.FiniteDifferences;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

public class NormalizationTests
{
    private const double Epsilon = LayerNorm.DefaultEpsilon;

    // (dim, tokens): tokens 10 (8 + 2), 21 (16 + 5), 26 (16 + 8 + 2).
    public static TheoryData<bool, int, int> Shapes()
    {
        var data = new TheoryData<bool, int, int>();
        foreach (bool layerNorm in new[] { true, false })
        {
            data.Add(layerNorm, 8, 10);
            data.Add(layerNorm, 12, 21);
            data.Add(layerNorm, 16, 26);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(true, 64, 600)]    // several blocks of 256 tokens, split across cores
    [InlineData(false, 64, 600)]
    public void Forward_MatchesReference(bool layerNorm, int dim, int tokens)
    {
        float[] x = Inputs(dim, tokens, 1);
        float[] gain = TestTensors.Random(dim, 2, scale: 2f);
        float[] bias = TestTensors.Random(dim, 3);
        float[] y = TestTensors.Random(dim * tokens, 4);
        float[] mean = TestTensors.Random(tokens, 5);
        float[] rstd = TestTensors.Random(tokens, 6);
        if (layerNorm)
        {
            LayerNorm.Forward(x, gain, bias, y, mean, rstd, dim, tokens);
        }
        else
        {
            RmsNorm.Forward(x, gain, y, rstd, dim, tokens);
        }

        var expected = TransformerReference.Normalize(ToDouble(x), ToDouble(gain), layerNorm ? ToDouble(bias) : null, layerNorm, dim, tokens, Epsilon);
        TestTensors.AssertClose(expected.Y, y, 2e-6, 2e-6, "y");
        TestTensors.AssertClose(expected.Rstd, rstd, 1e-7, 2e-6, "rstd");
        if (layerNorm)
        {
            TestTensors.AssertClose(expected.Mean, mean, 1e-6, 1e-6, "mean");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(true, 64, 600)]
    [InlineData(false, 64, 600)]
    public void Backward_MatchesFiniteDifferences(bool layerNorm, int dim, int tokens)
    {
        float[] x = Inputs(dim, tokens, 11);
        float[] gain = TestTensors.Random(dim, 12, scale: 2f);
        float[] bias = TestTensors.Random(dim, 13);
        float[] dy = TestTensors.Random(dim * tokens, 14);
        float[] y = new float[dim * tokens], mean = new float[tokens], rstd = new float[tokens];
        float[] priorGain = TestTensors.Random(dim, 15), priorBias = TestTensors.Random(dim, 16);
        float[] priorDx = TestTensors.Random(dim * tokens, 17);
        float[] dGain = (float[])priorGain.Clone(), dBias = (float[])priorBias.Clone();
        float[] dx = TestTensors.Random(dim * tokens, 18);         // garbage: overwritten
        float[] dxAccumulated = (float[])priorDx.Clone();           // added to
        float[] dGainRepeat = (float[])dGain.Clone(), dBiasRepeat = (float[])dBias.Clone();
        if (layerNorm)
        {
            LayerNorm.Forward(x, gain, bias, y, mean, rstd, dim, tokens);
            LayerNorm.Backward(x, gain, mean, rstd, dy, dx, dGain, dBias, dim, tokens);
            LayerNorm.Backward(x, gain, mean, rstd, dy, dxAccumulated, dGainRepeat, dBiasRepeat, dim, tokens, accumulateDx: true);
        }
        else
        {
            RmsNorm.Forward(x, gain, y, rstd, dim, tokens);
            RmsNorm.Backward(x, gain, rstd, dy, dx, dGain, dim, tokens);
            RmsNorm.Backward(x, gain, rstd, dy, dxAccumulated, dGainRepeat, dim, tokens, accumulateDx: true);
        }

        double[] xd = ToDouble(x), gd = ToDouble(gain), bd = ToDouble(bias);
        double Loss() => Weighted(TransformerReference.Normalize(xd, gd, layerNorm ? bd : null, layerNorm, dim, tokens, Epsilon).Y, dy);
        int? sample = dim * tokens > 1000 ? 200 : null;
        AssertGradient(dx, xd, _ => Loss(), "dx", abs: 5e-4, sample: sample);
        AssertGradient(Minus(dGain, priorGain), gd, _ => Loss(), "dGain");
        for (int i = 0; i < dx.Length; i++)
        {
            Assert.Equal(priorDx[i] + dx[i], dxAccumulated[i], 1e-5f);
        }

        Assert.Equal(dGain, dGainRepeat);   // same inputs, same sums: deterministic
        Assert.Equal(dBias, dBiasRepeat);

        if (layerNorm)
        {
            AssertGradient(Minus(dBias, priorBias), bd, _ => Loss(), "dBias");
        }
        else
        {
            Assert.Equal(priorBias, dBias);
        }
    }

    [Fact]
    public void RmsNorm_IsLayerNormOfZeroMeanInput()
    {
        // On inputs whose features already average to 0 per token, the two agree (with a zero bias).
        const int dim = 8, tokens = 21;
        float[] x = Inputs(dim, tokens, 21);
        for (int n = 0; n < tokens; n++)
        {
            double mu = 0;
            for (int d = 0; d < dim; d++)
            {
                mu += x[d * tokens + n];
            }

            for (int d = 0; d < dim; d++)
            {
                x[d * tokens + n] -= (float)(mu / dim);
            }
        }

        float[] gain = TestTensors.Random(dim, 22);
        float[] layer = new float[dim * tokens], rms = new float[dim * tokens];
        LayerNorm.Forward(x, gain, new float[dim], layer, new float[tokens], new float[tokens], dim, tokens);
        RmsNorm.Forward(x, gain, rms, new float[tokens], dim, tokens);
        TestTensors.AssertClose(layer, rms, 1e-5, 1e-5, "rms vs layer");
    }

    /// <summary>Random activations with a per-token offset and scale, so that centring and scaling both matter.</summary>
    private static float[] Inputs(int dim, int tokens, int seed)
    {
        float[] x = TestTensors.Random(dim * tokens, seed);
        for (int n = 0; n < tokens; n++)
        {
            float offset = 0.5f * (n % 5) - 1f, scale = 0.5f + n % 3;
            for (int d = 0; d < dim; d++)
            {
                x[d * tokens + n] = x[d * tokens + n] * scale + offset;
            }
        }

        return x;
    }

    private static float[] Minus(float[] a, float[] b) => a.Select((v, i) => v - b[i]).ToArray();
}
