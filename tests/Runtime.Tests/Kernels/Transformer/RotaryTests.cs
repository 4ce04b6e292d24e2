using SparseDsl.Kernels;
using static SparseDsl.Runtime.Tests.Kernels.Transformer.FiniteDifferences;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

public class RotaryTests
{
    // (dim, heads, context, batch): positions run in lanes, so T = 5 (scalar), 13 (8 + 5), 19 (16 + 3).
    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 8, 2, 5, 2 },
        { 16, 2, 13, 2 },
        { 12, 2, 19, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_MatchesReference(int dim, int heads, int context, int batch)
    {
        int tokens = context * batch, headDim = dim / heads;
        float[] x = TestTensors.Random(dim * tokens, 1);
        double[] expected = TransformerReference.Rotary(ToDouble(x), dim, headDim, tokens, context, 10000, sign: 1);
        Rotary.Forward(new RotaryTable(headDim, context), x, dim, tokens);
        TestTensors.AssertClose(expected, x, 1e-6, 1e-6, "rotated");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesFiniteDifferences(int dim, int heads, int context, int batch)
    {
        int tokens = context * batch, headDim = dim / heads;
        double[] x = ToDouble(TestTensors.Random(dim * tokens, 2));
        float[] dy = TestTensors.Random(dim * tokens, 3);
        float[] dx = (float[])dy.Clone();
        Rotary.Backward(new RotaryTable(headDim, context), dx, dim, tokens);
        AssertGradient(dx, x, at => Weighted(TransformerReference.Rotary(at, dim, headDim, tokens, context, 10000, sign: 1), dy), "dx");
    }

    [Fact]
    public void BackwardAfterForward_IsIdentity()
    {
        const int dim = 16, heads = 2, context = 13, tokens = 26;
        float[] x = TestTensors.Random(dim * tokens, 4);
        float[] y = (float[])x.Clone();
        var table = new RotaryTable(dim / heads, context);
        Rotary.Forward(table, y, dim, tokens);
        Rotary.Backward(table, y, dim, tokens);
        TestTensors.AssertClose(x, y, 1e-6, 1e-6, "x");
    }

    [Fact]
    public void RotatedScores_DependOnlyOnRelativePosition()
    {
        // The property LLaMA uses rotary positions for: with the same query and key vector at every position,
        // q'(t)·k'(s) depends on t − s only.
        const int dim = 8, heads = 1, context = 11, tokens = 11;
        float[] qv = TestTensors.Random(dim, 5), kv = TestTensors.Random(dim, 6);
        float[] q = new float[dim * tokens], k = new float[dim * tokens];
        for (int d = 0; d < dim; d++)
        {
            for (int n = 0; n < tokens; n++)
            {
                q[d * tokens + n] = qv[d];
                k[d * tokens + n] = kv[d];
            }
        }

        var table = new RotaryTable(dim / heads, context);
        Rotary.Forward(table, q, dim, tokens);
        Rotary.Forward(table, k, dim, tokens);
        double Score(int t, int s) => Enumerable.Range(0, dim).Sum(d => (double)q[d * tokens + t] * k[d * tokens + s]);
        for (int lag = 0; lag < 4; lag++)
        {
            for (int s = 1; s + lag < context; s++)
            {
                Assert.Equal(Score(lag, 0), Score(s + lag, s), 1e-4);
            }
        }

        Assert.NotEqual(Score(0, 0), Score(3, 0), 1e-3);
    }
}
