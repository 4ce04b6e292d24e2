using SparseDsl.Kernels;
using static SparseDsl.Runtime.Tests.Kernels.Transformer.FiniteDifferences;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

public class CausalSelfAttentionTests
{
    // (dim, heads, context, batch). Score rows have t + 1 ≤ T keys: T = 5 and 7 reach only the scalar and 8-lane
    // paths, T = 13 the 8-lane path with a tail, T = 19 the 16-lane one.
    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 8, 2, 5, 2 },
        { 16, 2, 7, 3 },
        { 12, 2, 13, 2 },
        { 16, 2, 19, 2 },
        // Context a multiple of 16 and head width a multiple of 8: the register-tiled path on AVX-512 hosts.
        { 32, 4, 16, 3 },
        { 48, 2, 48, 2 },
        { 64, 4, 32, 2 },
    };

    private sealed record Case(int Dim, int Heads, int Context, int Batch, float[] Q, float[] K, float[] V)
    {
        public int Tokens => Context * Batch;

        public static Case Create(int dim, int heads, int context, int batch, int seed)
        {
            int size = dim * context * batch;
            // Scale 2 makes the softmax far from uniform, so a wrong mask or scale shows.
            return new Case(dim, heads, context, batch,
                TestTensors.Random(size, seed, 2f), TestTensors.Random(size, seed + 1, 2f), TestTensors.Random(size, seed + 2));
        }

        public (float[] Output, float[] Probabilities) Forward()
        {
            var output = TestTensors.Random(Dim * Tokens, 99);   // garbage: overwritten
            var probabilities = TestTensors.Random((int)CausalSelfAttention.ProbabilitiesLength(Heads, Tokens, Context), 98);
            CausalSelfAttention.Forward(Q, K, V, output, probabilities, Dim, Heads, Tokens, Context);
            return (output, probabilities);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(32, 4, 24, 4)]   // 16 (sequence, head) pairs, split across cores
    public void Forward_MatchesReference(int dim, int heads, int context, int batch)
    {
        var c = Case.Create(dim, heads, context, batch, 1);
        var (output, probabilities) = c.Forward();
        var expected = TransformerReference.Attention(ToDouble(c.Q), ToDouble(c.K), ToDouble(c.V), dim, heads, c.Tokens, context);
        TestTensors.AssertClose(expected.Output, output, 2e-6, 2e-5, "out");
        TestTensors.AssertClose(expected.Probabilities, probabilities, 2e-7, 2e-5, "P");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Probabilities_AreCausalRowsSummingToOne(int dim, int heads, int context, int batch)
    {
        var (_, probabilities) = Case.Create(dim, heads, context, batch, 2).Forward();
        int T = context;
        for (int row = 0; row < probabilities.Length / T; row++)
        {
            int t = row % T;
            double sum = 0;
            for (int s = 0; s < T; s++)
            {
                float p = probabilities[row * T + s];
                if (s > t)
                {
                    Assert.Equal(0f, p);
                }
                else
                {
                    Assert.True(p > 0f, $"P[{row}, {s}] = {p}");
                }

                sum += p;
            }

            Assert.Equal(1.0, sum, 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FutureToken_DoesNotChangeEarlierOutputs(int dim, int heads, int context, int batch)
    {
        var c = Case.Create(dim, heads, context, batch, 3);
        var (before, _) = c.Forward();
        int b = batch - 1, t0 = context / 2, n0 = b * context + t0;
        for (int d = 0; d < dim; d++)
        {
            // Change the query, key and value of token t0 of the last sequence.
            c.Q[d * c.Tokens + n0] += 1.5f;
            c.K[d * c.Tokens + n0] -= 2f;
            c.V[d * c.Tokens + n0] += 3f;
        }

        var (after, _) = c.Forward();
        for (int d = 0; d < dim; d++)
        {
            for (int n = 0; n < c.Tokens; n++)
            {
                bool affected = n / context == b && n % context >= t0;
                if (!affected)
                {
                    Assert.Equal(before[d * c.Tokens + n], after[d * c.Tokens + n]);
                }
            }

            // ... while the token itself does see its own new value.
            Assert.NotEqual(before[d * c.Tokens + n0], after[d * c.Tokens + n0]);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(32, 4, 24, 4)]
    public void Backward_MatchesFiniteDifferences(int dim, int heads, int context, int batch)
    {
        var c = Case.Create(dim, heads, context, batch, 4);
        var (_, probabilities) = c.Forward();
        int size = dim * c.Tokens;
        float[] dOut = TestTensors.Random(size, 7);
        // Garbage in the outputs: they are overwritten.
        float[] dq = TestTensors.Random(size, 8), dk = TestTensors.Random(size, 9), dv = TestTensors.Random(size, 10);
        CausalSelfAttention.Backward(c.Q, c.K, c.V, probabilities, dOut, dq, dk, dv, dim, heads, c.Tokens, context);

        double[] q = ToDouble(c.Q), k = ToDouble(c.K), v = ToDouble(c.V);
        double Loss() => Weighted(TransformerReference.Attention(q, k, v, dim, heads, c.Tokens, context).Output, dOut);
        int? sample = size > 1000 ? 150 : null;
        AssertGradient(dq, q, _ => Loss(), "dq", sample: sample);
        AssertGradient(dk, k, _ => Loss(), "dk", sample: sample);
        AssertGradient(dv, v, _ => Loss(), "dv", sample: sample);
    }

    [Fact]
    public void HeadsNotDividingDim_Throws()
    {
        var a = new float[10 * 4];
        Assert.Throws<ArgumentException>(() =>
            CausalSelfAttention.Forward(a, a, a, new float[40], new float[3 * 16], dim: 10, heads: 3, tokens: 4, context: 4));
    }
}
