using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using SparseDsl.Kernels;
using SparseDsl.Training.Device;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

/// <summary>
/// The transformer's ILGPU kernels on ILGPU's CPU accelerator (an emulator: small shapes only) against the vectorized
/// CPU kernels, which the other tests check against float64 references and finite differences.
/// </summary>
public sealed class DeviceTransformerKernelsTests : IDisposable
{
    private const int Vocab = 20, Dim = 16, Heads = 2, Context = 7, Batch = 2, Tokens = Context * Batch, HeadDim = Dim / Heads;
    private readonly Context context = ILGPU.Context.Create(builder => builder.CPU().EnableAlgorithms());
    private readonly Accelerator accelerator;

    public DeviceTransformerKernelsTests() => accelerator = context.CreateCPUAccelerator(0);

    public void Dispose()
    {
        accelerator.Dispose();
        context.Dispose();
    }

    [Fact]
    public void Embedding_MatchesCpuKernels()
    {
        int[] ids = TokenEmbeddingTests.Ids(Tokens, Vocab, 1);
        float[] table = TestTensors.Random(Vocab * Dim, 2), positions = TestTensors.Random(Context * Dim, 3);
        float[] dx = TestTensors.Random(Dim * Tokens, 4);
        float[] dTable = TestTensors.Random(Vocab * Dim, 5), dPositions = TestTensors.Random(Context * Dim, 6);

        var forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.EmbeddingForward);
        var backward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.EmbeddingBackward);
        using var idsD = accelerator.Allocate1D(ids);
        using var tableD = accelerator.Allocate1D(table);
        using var positionsD = accelerator.Allocate1D(positions);
        using var x = accelerator.Allocate1D<float>(Dim * Tokens);
        using var dxD = accelerator.Allocate1D(dx);
        using var dTableD = accelerator.Allocate1D(dTable);
        using var dPositionsD = accelerator.Allocate1D(dPositions);
        forward(Dim * Tokens, idsD.View, tableD.View, positionsD.View, x.View, Dim, Tokens, Context, 1);
        backward(Dim, idsD.View, dxD.View, dTableD.View, dPositionsD.View, Dim, Tokens, Context, 1);

        float[] expected = new float[Dim * Tokens];
        TokenEmbedding.Forward(ids, table, positions, expected, Vocab, Dim, Tokens, Context);
        TokenEmbedding.Backward(ids, dx, dTable, dPositions, Vocab, Dim, Tokens, Context);
        TestTensors.AssertClose(expected, x.GetAsArray1D(), 0, 0, "x");
        TestTensors.AssertClose(dTable, dTableD.GetAsArray1D(), 1e-6, 1e-6, "dE");
        TestTensors.AssertClose(dPositions, dPositionsD.GetAsArray1D(), 1e-6, 1e-6, "dP");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Normalization_MatchesCpuKernels(bool layerNorm)
    {
        float[] x = TestTensors.Random(Dim * Tokens, 7, 2f), gain = TestTensors.Random(Dim, 8), bias = TestTensors.Random(Dim, 9);
        float[] dy = TestTensors.Random(Dim * Tokens, 10), dx = TestTensors.Random(Dim * Tokens, 11);
        float[] dGain = TestTensors.Random(Dim, 12), dBias = TestTensors.Random(Dim, 13);
        int centered = layerNorm ? 1 : 0;

        var forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, int, int>(TransformerKernels.NormForward);
        var inputGradient = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.NormInputGradient);
        var parameterGradient = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(TransformerKernels.NormParameterGradient);
        using var xD = accelerator.Allocate1D(x);
        using var gainD = accelerator.Allocate1D(gain);
        using var biasD = accelerator.Allocate1D(bias);
        using var y = accelerator.Allocate1D<float>(Dim * Tokens);
        using var mean = accelerator.Allocate1D<float>(Tokens);
        using var rstd = accelerator.Allocate1D<float>(Tokens);
        using var dyD = accelerator.Allocate1D(dy);
        using var dxD = accelerator.Allocate1D(dx);
        using var dGainD = accelerator.Allocate1D(dGain);
        using var dBiasD = accelerator.Allocate1D(dBias);
        forward(Tokens, xD.View, gainD.View, biasD.View, y.View, mean.View, rstd.View, Dim, Tokens, LayerNorm.DefaultEpsilon, centered, centered);
        parameterGradient(Dim, xD.View, mean.View, rstd.View, dyD.View, dGainD.View, dBiasD.View, Tokens, centered, centered);
        inputGradient(Tokens, xD.View, gainD.View, mean.View, rstd.View, dyD.View, dxD.View, Dim, Tokens, centered, 0);

        float[] expectedY = new float[Dim * Tokens], expectedMean = new float[Tokens], expectedRstd = new float[Tokens];
        if (layerNorm)
        {
            LayerNorm.Forward(x, gain, bias, expectedY, expectedMean, expectedRstd, Dim, Tokens);
            LayerNorm.Backward(x, gain, expectedMean, expectedRstd, dy, dx, dGain, dBias, Dim, Tokens);
            TestTensors.AssertClose(expectedMean, mean.GetAsArray1D(), 1e-6, 1e-6, "mean");
        }
        else
        {
            RmsNorm.Forward(x, gain, expectedY, expectedRstd, Dim, Tokens);
            RmsNorm.Backward(x, gain, expectedRstd, dy, dx, dGain, Dim, Tokens);
        }

        TestTensors.AssertClose(expectedY, y.GetAsArray1D(), 1e-5, 1e-5, "y");
        TestTensors.AssertClose(expectedRstd, rstd.GetAsArray1D(), 1e-6, 1e-5, "rstd");
        TestTensors.AssertClose(dx, dxD.GetAsArray1D(), 1e-5, 1e-4, "dx");
        TestTensors.AssertClose(dGain, dGainD.GetAsArray1D(), 1e-5, 1e-4, "dGain");
        TestTensors.AssertClose(dBias, dBiasD.GetAsArray1D(), 1e-5, 1e-4, "dBias");
    }

    [Fact]
    public void Attention_MatchesCpuKernels()
    {
        int size = Dim * Tokens, probabilities = (int)CausalSelfAttention.ProbabilitiesLength(Heads, Tokens, Context);
        float[] q = TestTensors.Random(size, 14, 2f), k = TestTensors.Random(size, 15, 2f), v = TestTensors.Random(size, 16);
        float[] dOut = TestTensors.Random(size, 17);

        var forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionForward);
        var rows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionBackwardRows);
        var columns = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionBackwardColumns);
        using var qD = accelerator.Allocate1D(q);
        using var kD = accelerator.Allocate1D(k);
        using var vD = accelerator.Allocate1D(v);
        using var output = accelerator.Allocate1D<float>(size);
        using var p = accelerator.Allocate1D<float>(probabilities);
        using var dOutD = accelerator.Allocate1D(dOut);
        using var dScores = accelerator.Allocate1D<float>(probabilities);
        using var dq = accelerator.Allocate1D<float>(size);
        using var dk = accelerator.Allocate1D<float>(size);
        using var dv = accelerator.Allocate1D<float>(size);
        int queryRows = Batch * Heads * Context;
        forward(queryRows, qD.View, kD.View, vD.View, output.View, p.View, Heads, HeadDim, Tokens, Context);
        rows(queryRows, kD.View, vD.View, p.View, dOutD.View, dScores.View, dq.View, Heads, HeadDim, Tokens, Context);
        columns(queryRows, qD.View, p.View, dScores.View, dOutD.View, dk.View, dv.View, Heads, HeadDim, Tokens, Context);

        float[] expectedOut = new float[size], expectedP = new float[probabilities];
        float[] expectedDq = new float[size], expectedDk = new float[size], expectedDv = new float[size];
        CausalSelfAttention.Forward(q, k, v, expectedOut, expectedP, Dim, Heads, Tokens, Context);
        CausalSelfAttention.Backward(q, k, v, expectedP, dOut, expectedDq, expectedDk, expectedDv, Dim, Heads, Tokens, Context);
        TestTensors.AssertClose(expectedOut, output.GetAsArray1D(), 1e-5, 1e-5, "out");
        TestTensors.AssertClose(expectedP, p.GetAsArray1D(), 1e-6, 1e-5, "P");
        TestTensors.AssertClose(expectedDq, dq.GetAsArray1D(), 1e-5, 1e-4, "dq");
        TestTensors.AssertClose(expectedDk, dk.GetAsArray1D(), 1e-5, 1e-4, "dk");
        TestTensors.AssertClose(expectedDv, dv.GetAsArray1D(), 1e-5, 1e-4, "dv");
    }

    [Fact]
    public void Rotary_MatchesCpuKernels()
    {
        float[] x = TestTensors.Random(Dim * Tokens, 18);
        var table = new RotaryTable(HeadDim, Context);
        var rotate = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float>(TransformerKernels.Rotary);
        using var xD = accelerator.Allocate1D(x);
        using var cos = accelerator.Allocate1D(table.Cos);
        using var sin = accelerator.Allocate1D(table.Sin);
        rotate(Dim / 2 * Tokens, xD.View, cos.View, sin.View, Tokens, HeadDim, Context, 1f);
        float[] expected = (float[])x.Clone();
        Rotary.Forward(table, expected, Dim, Tokens);
        TestTensors.AssertClose(expected, xD.GetAsArray1D(), 1e-6, 1e-6, "forward");

        rotate(Dim / 2 * Tokens, xD.View, cos.View, sin.View, Tokens, HeadDim, Context, -1f);
        Rotary.Backward(table, expected, Dim, Tokens);
        TestTensors.AssertClose(expected, xD.GetAsArray1D(), 1e-6, 1e-6, "backward");
    }

    [Fact]
    public void Elementwise_MatchCpuKernels()
    {
        const int count = 37;
        float[] a = TestTensors.Random(count, 19, 6f), b = TestTensors.Random(count, 20, 2f), dy = TestTensors.Random(count, 21);
        var geluForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(TransformerKernels.GeluForward);
        var geluBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.GeluBackward);
        var swiGluForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.SwiGluForward);
        var swiGluBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.SwiGluBackward);
        var residual = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(TransformerKernels.ResidualAdd);
        using var aD = accelerator.Allocate1D(a);
        using var bD = accelerator.Allocate1D(b);
        using var dyD = accelerator.Allocate1D(dy);
        using var y = accelerator.Allocate1D<float>(count);
        using var da = accelerator.Allocate1D<float>(count);
        using var db = accelerator.Allocate1D<float>(count);

        float[] expected = new float[count], expectedB = new float[count];
        geluForward(count, aD.View, y.View);
        Gelu.Forward(a, expected, count);
        TestTensors.AssertClose(expected, y.GetAsArray1D(), 1e-6, 1e-5, "gelu");
        geluBackward(count, aD.View, dyD.View, da.View);
        Gelu.Backward(a, dy, expected, count);
        TestTensors.AssertClose(expected, da.GetAsArray1D(), 1e-6, 1e-5, "gelu backward");
        swiGluForward(count, aD.View, bD.View, y.View);
        SwiGlu.Forward(a, b, expected, count);
        TestTensors.AssertClose(expected, y.GetAsArray1D(), 1e-6, 1e-5, "swiglu");
        swiGluBackward(count, aD.View, bD.View, dyD.View, da.View, db.View);
        SwiGlu.Backward(a, b, dy, expected, expectedB, count);
        TestTensors.AssertClose(expected, da.GetAsArray1D(), 1e-6, 1e-5, "swiglu da");
        TestTensors.AssertClose(expectedB, db.GetAsArray1D(), 1e-6, 1e-5, "swiglu db");
        residual(count, aD.View, bD.View);
        Residual.Add(a, b, count);
        TestTensors.AssertClose(a, aD.GetAsArray1D(), 0, 0, "residual");
    }

    [Fact]
    public void TiedHead_MatchesCpuKernels()
    {
        var rng = new Random(22);
        int[] targets = Enumerable.Range(0, Tokens).Select(_ => rng.Next(Vocab)).ToArray();
        float[] table = TestTensors.Random(Vocab * Dim, 23), x = TestTensors.Random(Dim * Tokens, 24, 2f), dTable = TestTensors.Random(Vocab * Dim, 25);

        var logits = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(TransformerKernels.HeadLogits);
        var loss = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int>(RuntimeKernels.SoftmaxCrossEntropy);
        var inputGradient = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(TransformerKernels.HeadInputGradient);
        var tableGradient = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(TransformerKernels.HeadTableGradient);
        using var tableD = accelerator.Allocate1D(table);
        using var xD = accelerator.Allocate1D(x);
        using var targetsD = accelerator.Allocate1D(targets);
        using var logitsD = accelerator.Allocate1D<float>(Vocab * Tokens);
        using var dLogits = accelerator.Allocate1D<float>(Vocab * Tokens);
        using var losses = accelerator.Allocate1D<float>(Tokens);
        using var correct = accelerator.Allocate1D<int>(Tokens);
        using var dx = accelerator.Allocate1D<float>(Dim * Tokens);
        using var dTableD = accelerator.Allocate1D(dTable);
        logits(new Index2D(Tokens, Vocab), tableD.View, xD.View, logitsD.View, Dim, Tokens);
        loss(Tokens, logitsD.View, targetsD.View, dLogits.View, losses.View, correct.View, Vocab, Tokens);
        inputGradient(new Index2D(Tokens, Dim), tableD.View, dLogits.View, dx.View, Vocab, Dim, Tokens);
        tableGradient(new Index2D(Dim, Vocab), dLogits.View, xD.View, dTableD.View, Dim, Tokens);

        float[] expectedLogits = new float[Vocab * Tokens], expectedDx = new float[Dim * Tokens];
        double expectedLoss = TiedHead.Loss(table, x, targets, expectedLogits, Vocab, Dim, Tokens);
        TestTensors.AssertClose(expectedLogits, logitsD.GetAsArray1D(), 1e-5, 1e-5, "logits");
        TiedHead.ForwardBackward(table, x, targets, expectedLogits, expectedDx, dTable, Vocab, Dim, Tokens);
        Assert.Equal(expectedLoss, losses.GetAsArray1D().Sum(l => (double)l) / Tokens, 1e-5);
        TestTensors.AssertClose(expectedDx, dx.GetAsArray1D(), 1e-6, 1e-4, "dx");
        TestTensors.AssertClose(dTable, dTableD.GetAsArray1D(), 1e-6, 1e-4, "dE");
    }
}
