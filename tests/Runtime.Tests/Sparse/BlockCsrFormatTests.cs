using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Runtime.Tests.Kernels;
using SparseDsl.Sparse;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Sparse;

/// <summary>
/// The block-CSR format: units → format → units and dense, the transpose map, block layers through WeightFormats,
/// a topology change that keeps every tile whole, and a Linear layer with a block pattern against the float64 reference.
/// </summary>
public class BlockCsrFormatTests
{
    [Theory]
    [InlineData(48, 64, 16, 16, 5, 1)]
    [InlineData(24, 40, 8, 8, 15, 2)]
    [InlineData(12, 32, 4, 8, 3, 3)]
    [InlineData(24, 12, 8, 4, 0, 4)]
    [InlineData(9, 20, 3, 5, 12, 5)]
    public void Units_RoundTripThroughTheFormat_AndScatterPutsEachTileInPlace(int rows, int cols, int tileRows, int tileCols, int tiles, int seed)
    {
        var layout = Layout(tileRows, tileCols, rows, cols);
        var random = new Random(seed);
        int[] units = [.. Enumerable.Range(0, layout.UnitCount).OrderBy(_ => random.Next()).Take(tiles).Order()];
        float[] values = TestTensors.Random(units.Length * layout.UnitSize, seed);

        var format = BlockCsrFormat.FromUnits(layout, units, values);

        Assert.Equal(units, format.ActiveUnits());
        Assert.Same(values, format.Values);
        Assert.Equal(units.Length, format.Tiles);
        Assert.Equal((double)units.Length / layout.UnitCount, format.Density, 12);
        Assert.False(format.IsDense);
        float[] dense = format.ToDense();
        var expected = new float[rows * cols];
        for (int k = 0; k < units.Length; k++)
        {
            int br = units[k] / layout.UnitCols, bc = units[k] % layout.UnitCols;
            for (int r = 0; r < tileRows; r++)
            {
                for (int c = 0; c < tileCols; c++)
                {
                    expected[(br * tileRows + r) * cols + bc * tileCols + c] = values[k * layout.UnitSize + r * tileCols + c];
                }
            }
        }

        Assert.Equal(expected, dense);
        Assert.Equal(values, BlockCsrKernelsTests.GatherStored(format, dense));
        AssertTransposeMap(format);
    }

    [Fact]
    public void WeightFormats_BlockLayer_IsBlockCsrAtEveryDensity_AllTilesIncluded()
    {
        var layout = Layout(2, 2, 4, 6); // 2 × 3 tiles
        var some = Assert.IsType<BlockCsrFormat>(WeightFormats.Create(layout, [1, 3, 5], new float[12]));
        Assert.Equal([0, 1, 3], some.BlockRowPtr);
        Assert.Equal([1, 0, 2], some.BlockColIdx);
        Assert.Equal([0, 1, 2, 3], some.TransposePtr);
        Assert.Equal([1, 0, 1], some.TransposeBlockRows);
        Assert.Equal([1, 0, 2], some.TransposeTiles);

        // Every tile active: still tile-major block-CSR, not the row-major dense format.
        float[] values = [.. Enumerable.Range(0, 24).Select(i => (float)i)];
        var all = Assert.IsType<BlockCsrFormat>(WeightFormats.Create(layout, [0, 1, 2, 3, 4, 5], values));
        Assert.Equal(1.0, all.Density);
        Assert.Equal(
            [0, 1, 4, 5, 8, 9,
             2, 3, 6, 7, 10, 11,
             12, 13, 16, 17, 20, 21,
             14, 15, 18, 19, 22, 23],
            all.ToDense());

        // Block 1 × C tiles at full density are row-major: dense.
        Assert.IsType<DenseFormat>(WeightFormats.Create(Layout(1, 3, 2, 6), [0, 1, 2, 3], new float[12]));
    }

    [Fact]
    public void Construction_RejectsBrokenTopology()
    {
        var layout = Layout(2, 2, 4, 6);
        Assert.Throws<ArgumentException>(() => BlockCsrFormat.FromUnits(layout, [3, 1], new float[8]));   // not sorted
        Assert.Throws<ArgumentException>(() => BlockCsrFormat.FromUnits(layout, [1, 6], new float[8]));   // out of range
        Assert.Throws<ArgumentException>(() => BlockCsrFormat.FromUnits(layout, [1, 2], new float[7]));   // values short
        Assert.Throws<ArgumentException>(() => new BlockCsrFormat(layout, [0, 2, 2], [1, 1], new float[8])); // column repeated
        Assert.Throws<ArgumentException>(() => new BlockCsrFormat(layout, [0, 1], [1], new float[4]));      // block-rows missing
        var nOfM = UnitLayout.For(new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4), 4, 8);
        Assert.Throws<ArgumentException>(() => new BlockCsrFormat(nOfM, [0, 0, 0, 0, 0], [], []));
    }

    /// <summary>
    /// A block weight through MaskUpdater.Plan and SparseWeight.Apply: the tile count is kept, every stored tile is a
    /// whole tile of the new layout, surviving tiles keep all their values bit for bit, grown tiles start at zero, and
    /// the kernels of the new format still match the reference.
    /// </summary>
    [Theory]
    [InlineData(1, 16, 16, GrowCriterion.Random)]
    [InlineData(2, 8, 8, GrowCriterion.Gradient)]
    [InlineData(3, 4, 8, GrowCriterion.Random)]
    public void MaskUpdate_MovesWholeTiles_CountKept_SurvivorsBitForBit(int seed, int tileRows, int tileCols, GrowCriterion grow)
    {
        const int rows = 48, cols = 64, batch = 21;
        BlockCsrFormat initial = BlockCsrKernelsTests.RandomFormat(rows, cols, tileRows, tileCols, Layout(tileRows, tileCols, rows, cols).UnitCount / 3, seed);
        var weight = new SparseWeight("w", initial);
        float[] before = weight.Format.ToDense();
        int[] oldUnits = weight.Format.ActiveUnits();
        float[] x = TestTensors.Random(cols * batch, seed + 10), dz = TestTensors.Random(rows * batch, seed + 11);

        TopologyChange change = MaskUpdater.Plan(weight.Layout, oldUnits, weight.Parameter.Values, oldUnits.Length / 4, grow, new Random(seed),
            Gradient(dz, x, cols, batch));
        weight.Apply(change);

        var format = Assert.IsType<BlockCsrFormat>(weight.Format);
        Assert.Equal(oldUnits.Length, format.Tiles);
        Assert.Equal(change.ActiveUnits, format.ActiveUnits());
        Assert.True(change.Dropped > 0);
        Assert.Equal(change.Dropped, change.Grown);
        Assert.Equal(format.Tiles * format.TileSize, weight.Parameter.Values.Length);
        float[] after = format.ToDense();
        for (int j = 0; j < change.ActiveUnits.Length; j++)
        {
            int br = change.ActiveUnits[j] / format.BlockCols, bc = change.ActiveUnits[j] % format.BlockCols;
            for (int r = 0; r < tileRows; r++)
            {
                for (int c = 0; c < tileCols; c++)
                {
                    int at = (br * tileRows + r) * cols + bc * tileCols + c;
                    float expected = change.OldRankOfNew[j] >= 0 ? before[at] : 0f;
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(after[at]));
                }
            }
        }

        // Off the new tiles the dense view is zero (dropped tiles are gone whole).
        var covered = new bool[rows * cols];
        foreach (int unit in change.ActiveUnits)
        {
            int br = unit / format.BlockCols, bc = unit % format.BlockCols;
            for (int r = 0; r < tileRows; r++)
            {
                for (int c = 0; c < tileCols; c++)
                {
                    covered[(br * tileRows + r) * cols + bc * tileCols + c] = true;
                }
            }
        }

        Assert.All(Enumerable.Range(0, rows * cols).Where(i => !covered[i]), i => Assert.Equal(0f, after[i]));
        AssertTransposeMap(format);

        // The new format's kernels read the moved values.
        float[] bias = TestTensors.Random(rows, 1), y = new float[rows * batch], expectedY = new float[rows * batch];
        format.Forward<W48x64>(bias, x, y, batch);
        ReferenceKernels.DenseForward(after, bias, x, expectedY, cols, rows, batch);
        TestTensors.AssertClose(expectedY, y, 1e-4, 1e-5, "y after the mask update");
    }

    [Theory]
    [InlineData(0.25, 16, 16)]
    [InlineData(1.0, 16, 16)]
    [InlineData(0.5, 4, 8)]
    public void Linear_BlockLayer_ForwardAndBackwardMatchTheReference(double density, int tileRows, int tileCols)
    {
        const int batch = 37;
        var plan = new LayerPlan(density, density, new SparsityPatternSpec(PatternKind.Block, tileRows, tileCols), Seed: 7);
        var layer = Linear<W48x64>.Create("Blocks", Activation.Tanh, plan);
        var format = Assert.IsType<BlockCsrFormat>(layer.Weight.Format);
        int total = 48 / tileRows * (64 / tileCols);
        Assert.Equal((int)Math.Round(density * total), format.Tiles);
        Assert.Equal(format.Tiles * tileRows * tileCols, layer.ActiveWeights);

        float[] x = TestTensors.Random(64 * batch, 1), dy = TestTensors.Random(48 * batch, 2);
        float[] w = layer.ToDenseWeights();
        float[] z = new float[48 * batch];
        ReferenceKernels.DenseForward(w, layer.Bias, x, z, 64, 48, batch);
        float[] expectedY = [.. z.Select(v => (float)Math.Tanh(v))];
        float[] y = layer.Forward(x, batch);
        TestTensors.AssertClose(expectedY, y, 1e-5, 1e-5, "y");

        float[] expectedDz = [.. dy.Select((g, i) => g * (1 - expectedY[i] * expectedY[i]))];
        float[] eW = new float[48 * 64], eb = new float[48], ex = new float[64 * batch];
        ReferenceKernels.DenseBackward(w, x, expectedDz, eW, eb, ex, 64, 48, batch);
        float[]? dx = layer.Backward(dy, batch, needInputGradient: true);
        TestTensors.AssertClose(ex, dx, 1e-4, 1e-4, "dx");
        TestTensors.AssertClose(eb, layer.Parameters[1].Grad, 1e-4, 1e-4, "db");
        float[] dW = layer.DenseWeightGradient();
        float[] mask = new float[48 * 64];
        format.Scatter(Enumerable.Repeat(1f, format.StoredValues).ToArray(), mask);
        TestTensors.AssertClose(eW.Select((g, i) => g * mask[i]).ToArray(), dW, 1e-4, 1e-4, "dW at the stored tiles");
    }

    /// <summary>
    /// RigL's capture is the dense ∂loss/∂W (signed, inactive positions included) of the last backward, in any tiling of
    /// rows, and stays so when the layer's input and ∂loss/∂z buffers change after the capture (the trainer's forward for
    /// the loss before an update overwrites them).
    /// </summary>
    [Fact]
    public void CaptureDenseGradient_IsTheDenseGradient_AndSurvivesLaterChanges()
    {
        const int batch = 37;
        var plan = new LayerPlan(0.25, 0.25, new SparsityPatternSpec(PatternKind.Block, 4, 8), Seed: 3);
        var layer = Linear<W48x64>.Create("Blocks", Activation.None, plan);
        float[] x = TestTensors.Random(64 * batch, 4), dy = TestTensors.Random(48 * batch, 5);
        layer.Forward(x, batch);
        layer.Backward(dy, batch, needInputGradient: false);
        float[] eW = new float[48 * 64], eb = new float[48], ex = new float[64 * batch];
        ReferenceKernels.DenseBackward(layer.ToDenseWeights(), x, dy, eW, eb, ex, 64, 48, batch);

        DenseGradientRows rows = layer.CaptureDenseGradient();
        Array.Fill(x, 7f); // the buffers the capture was taken from change afterwards
        Array.Fill(dy, -3f);
        float[] whole = new float[48 * 64], tile = new float[13 * 64];
        for (int first = 0; first < 48; first += 13)
        {
            int count = Math.Min(13, 48 - first);
            rows(first, count, tile);
            Array.Copy(tile, 0, whole, first * 64, count * 64);
        }

        TestTensors.AssertClose(eW, whole, 1e-4, 1e-4, "captured ∂loss/∂W");
    }

    /// <summary>The dense gradient rows of dz·xᵀ as the layer computes them (x packed once, rows taken from dz in place).</summary>
    internal static DenseGradientRows Gradient(float[] dz, float[] x, int cols, int batch)
    {
        var packed = new Gemm.PackedOperand();
        packed.Pack(transposeB: true, cols, batch, x);
        return (first, count, buffer) => Linear.GradientRows(dz, packed, first, count, buffer);
    }

    private static UnitLayout Layout(int tileRows, int tileCols, int rows, int cols) =>
        UnitLayout.For(new SparsityPatternSpec(PatternKind.Block, tileRows, tileCols), rows, cols);

    /// <summary>Each block-column lists exactly the stored tiles in it, in block-row order, with their storage ranks.</summary>
    private static void AssertTransposeMap(BlockCsrFormat format)
    {
        int[] units = format.ActiveUnits();
        for (int bc = 0; bc < format.BlockCols; bc++)
        {
            int[] ranks = [.. Enumerable.Range(0, units.Length).Where(k => units[k] % format.BlockCols == bc)];
            int start = format.TransposePtr[bc], end = format.TransposePtr[bc + 1];
            Assert.Equal(ranks, format.TransposeTiles[start..end]);
            Assert.Equal(ranks.Select(k => units[k] / format.BlockCols), format.TransposeBlockRows[start..end]);
        }
    }
}
