using SparseDsl.Kernels;
using static SparseDsl.Runtime.Tests.Kernels.Transformer.FiniteDifferences;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

public class TiedHeadTests
{
    // (vocab, dim, tokens): tokens run in lanes of the softmax: 10 (8 + 2), 26 (16 + 8 + 2), 300 (two blocks).
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 11, 8, 10 },
        { 20, 16, 26 },
        { 13, 12, 300 },
    };

    private static (float[] Table, float[] X, int[] Targets) Inputs(int vocab, int dim, int tokens, int seed)
    {
        var rng = new Random(seed);
        int[] targets = Enumerable.Range(0, tokens).Select(_ => rng.Next(vocab)).ToArray();
        return (TestTensors.Random(vocab * dim, seed + 1), TestTensors.Random(dim * tokens, seed + 2, 2f), targets);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Loss_MatchesReference(int vocab, int dim, int tokens)
    {
        var (table, x, targets) = Inputs(vocab, dim, tokens, 1);
        float[] logits = TestTensors.Random(vocab * tokens, 5);
        double loss = TiedHead.Loss(table, x, targets, logits, vocab, dim, tokens);
        double expected = TransformerReference.TiedHeadLoss(ToDouble(table), ToDouble(x), targets, vocab, dim, tokens);
        Assert.Equal(expected, loss, 1e-5);

        var expectedLogits = new float[vocab * tokens];
        ReferenceKernels.Gemm(false, false, vocab, tokens, dim, table, x, expectedLogits, accumulate: false);
        TestTensors.AssertClose(expectedLogits, logits, 1e-5, 1e-5, "logits");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardBackward_MatchesFiniteDifferences(int vocab, int dim, int tokens)
    {
        var (table, x, targets) = Inputs(vocab, dim, tokens, 2);
        float[] logits = new float[vocab * tokens];
        float[] dx = TestTensors.Random(dim * tokens, 6);          // garbage: overwritten
        float[] prior = TestTensors.Random(vocab * dim, 7);         // the embedding's own part, say: added to
        float[] dTable = (float[])prior.Clone();
        double loss = TiedHead.ForwardBackward(table, x, targets, logits, dx, dTable, vocab, dim, tokens);

        double[] e = ToDouble(table), xd = ToDouble(x);
        double Loss() => TransformerReference.TiedHeadLoss(e, xd, targets, vocab, dim, tokens);
        Assert.Equal(Loss(), loss, 1e-5);
        int? sample = tokens > 100 ? 150 : null;
        AssertGradient(dx, xd, _ => Loss(), "dx", abs: 2e-6, sample: sample);
        AssertGradient(dTable.Select((v, i) => v - prior[i]).ToArray(), e, _ => Loss(), "dE", abs: 2e-6, sample: sample);
    }

    [Fact]
    public void TargetOutsideVocabulary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TiedHead.Loss(new float[5 * 2], new float[2 * 3], [0, 5, 1], new float[5 * 3], vocab: 5, dim: 2, tokens: 3));
    }
}
