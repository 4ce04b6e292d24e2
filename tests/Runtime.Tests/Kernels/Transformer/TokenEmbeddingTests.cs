using SparseDsl.Kernels;
using static SparseDsl.Runtime.Tests.Kernels.Transformer.FiniteDifferences;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

public class TokenEmbeddingTests
{
    // (vocab, dim, context, batch): tokens 10, 21, 26; dim 12 has a 4-feature tail after one gather block of 8.
    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 11, 8, 5, 2 },
        { 13, 12, 7, 3 },
        { 20, 16, 13, 2 },
    };

    internal static int[] Ids(int tokens, int vocab, int seed)
    {
        var rng = new Random(seed);
        var ids = new int[tokens];
        for (int n = 0; n < tokens; n++)
        {
            // A narrow range so that ids repeat and the backward's scatter-add has collisions.
            ids[n] = rng.Next(Math.Min(vocab, tokens / 2));
        }

        ids[^1] = vocab - 1;
        return ids;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_MatchesReference(int vocab, int dim, int context, int batch)
    {
        int tokens = context * batch;
        int[] ids = Ids(tokens, vocab, 1);
        float[] table = TestTensors.Random(vocab * dim, 2);
        float[] positions = TestTensors.Random(context * dim, 3);
        foreach (bool learned in new[] { true, false })
        {
            float[] x = TestTensors.Random(dim * tokens, 4);
            TokenEmbedding.Forward(ids, table, learned ? positions : null, x, vocab, dim, tokens, context);
            double[] expected = TransformerReference.Embedding(ids, ToDouble(table), learned ? ToDouble(positions) : null, dim, tokens, context);
            TestTensors.AssertClose(expected, x, 1e-7, 1e-7, $"x (positions {learned})");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_AccumulatesFiniteDifferences(int vocab, int dim, int context, int batch)
    {
        int tokens = context * batch;
        int[] ids = Ids(tokens, vocab, 5);
        double[] table = ToDouble(TestTensors.Random(vocab * dim, 6));
        double[] positions = ToDouble(TestTensors.Random(context * dim, 7));
        float[] dx = TestTensors.Random(dim * tokens, 8);
        float[] priorTable = TestTensors.Random(vocab * dim, 9);
        float[] priorPositions = TestTensors.Random(context * dim, 10);
        float[] dTable = (float[])priorTable.Clone();
        float[] dPositions = (float[])priorPositions.Clone();

        TokenEmbedding.Backward(ids, dx, dTable, dPositions, vocab, dim, tokens, context);

        for (int i = 0; i < dTable.Length; i++)
        {
            dTable[i] -= priorTable[i];
        }

        for (int i = 0; i < dPositions.Length; i++)
        {
            dPositions[i] -= priorPositions[i];
        }

        double Loss() => Weighted(TransformerReference.Embedding(ids, table, positions, dim, tokens, context), dx);
        AssertGradient(dTable, table, _ => Loss(), "dE");
        AssertGradient(dPositions, positions, _ => Loss(), "dP");
    }

    [Fact]
    public void IdOutsideVocabulary_Throws()
    {
        int[] ids = [0, 1, 7];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TokenEmbedding.Forward(ids, new float[7 * 4], null, new float[4 * 3], vocab: 7, dim: 4, tokens: 3, context: 3));
    }
}
