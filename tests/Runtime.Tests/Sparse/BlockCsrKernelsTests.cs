using System.Runtime.Intrinsics;
using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Runtime.Tests.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

/// <summary>
/// The block-CSR kernels against the float64 plain-loop dense product of the scattered weights, on seeded random data:
/// several weight and tile shapes (the fixed-size tile structs and the run-time fallback, square and not), tile counts
/// from none and one to all, batches that are and are not multiples of the vector widths, and every vector path this
/// machine runs (Vector512, Vector256, scalar). Outputs start as garbage, so every element must be written.
/// Tolerances: |err| ≤ 1e-5 + 1e-6·(terms summed) + 1e-5·|expected|, as for the CSR kernels.
/// </summary>
public class BlockCsrKernelsTests
{
    /// <summary>Weight shape [Out, In] and tile R × C of each case.</summary>
    private static readonly Dictionary<string, BlockCase> Cases = new[]
    {
        BlockCase.Of<W48x64>(16, 16),
        BlockCase.Of<W112x96>(16, 16),
        BlockCase.Of<W24x40>(8, 8),
        BlockCase.Of<W64x96>(32, 32),
        BlockCase.Of<W20x12>(4, 4),
        BlockCase.Of<W12x32>(4, 8),
        BlockCase.Of<W24x12>(8, 4),
        BlockCase.Of<W9x20>(3, 5),
        BlockCase.Of<W24x40>(2, 8),
    }.ToDictionary(c => c.Name);

    private static readonly int[] Batches = [1, 7, 16, 33, 48, 100, 128];

    public static TheoryData<string, int> CaseData()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Cases.Keys)
        {
            foreach (int batch in Batches)
            {
                data.Add(name, batch);
            }
        }

        return data;
    }

    /// <summary>The vector paths this machine can run: always scalar, Vector256 and Vector512 where accelerated.</summary>
    internal static IEnumerable<VectorPath> Paths()
    {
        yield return VectorPath.Scalar;
        if (Vector256.IsHardwareAccelerated)
        {
            yield return VectorPath.Vector256;
        }

        if (BlockCsrKernels.BestPath == VectorPath.Vector512)
        {
            yield return VectorPath.Vector512;
        }
    }

    [Theory]
    [MemberData(nameof(CaseData))]
    public void Forward_MatchesFloat64DenseProduct(string name, int batch) => Cases[name].Forward(batch);

    [Theory]
    [MemberData(nameof(CaseData))]
    public void Backward_MatchesFloat64DenseProduct(string name, int batch) => Cases[name].Backward(batch);

    [Fact]
    public void Dispatch_FixedSizesGetTheirStruct_OthersTheFallback()
    {
        Assert.Equal(typeof(Tile16x16), BlockTileKernels.For(16, 16).TileType);
        Assert.Equal(typeof(Tile8x8), BlockTileKernels.For(8, 8).TileType);
        Assert.Equal(typeof(Tile32x32), BlockTileKernels.For(32, 32).TileType);
        Assert.Equal(typeof(Tile4x4), BlockTileKernels.For(4, 4).TileType);
        Assert.Equal(typeof(AnyTile), BlockTileKernels.For(4, 8).TileType);
        Assert.Equal(typeof(AnyTile), BlockTileKernels.For(16, 8).TileType);
    }

    [Fact]
    public void GenericEntryPoints_MatchTheFormat_AndRefuseAnotherTileOrShape()
    {
        BlockCsrFormat w = RandomFormat(48, 64, 16, 16, 5, seed: 3);
        const int batch = 40;
        float[] bias = TestTensors.Random(48, 1), x = TestTensors.Random(64 * batch, 2), dz = TestTensors.Random(48 * batch, 3);
        float[] y1 = new float[48 * batch], y2 = new float[48 * batch];
        BlockCsrKernels.Forward<W48x64, Tile16x16>(w, default, bias, x, y1, batch);
        w.Forward<W48x64>(bias, x, y2, batch);
        Assert.Equal(y2, y1);
        float[] dv1 = new float[w.StoredValues], dv2 = new float[w.StoredValues], db1 = new float[48], db2 = new float[48];
        float[] dx1 = new float[64 * batch], dx2 = new float[64 * batch];
        BlockCsrKernels.Backward<W48x64, AnyTile>(w, new AnyTile(16, 16), x, dz, dv1, db1, dx1, batch);
        w.Backward<W48x64>(x, dz, dv2, db2, dx2, batch);
        Assert.Equal(dv2, dv1);
        Assert.Equal(dx2, dx1);

        Assert.Throws<ArgumentException>(() => BlockCsrKernels.Forward<W48x64, Tile8x8>(w, default, bias, x, y1, batch));
        Assert.Throws<ArgumentException>(() => BlockCsrKernels.Forward<W112x96, Tile16x16>(w, default, new float[112], new float[96 * batch], new float[112 * batch], batch));
    }

    [Fact]
    public void Kernels_ReadTheValuesLive_AfterTheyChange()
    {
        BlockCsrFormat w = RandomFormat(24, 40, 8, 8, 6, seed: 4);
        const int batch = 19;
        float[] bias = TestTensors.Random(24, 1), x = TestTensors.Random(40 * batch, 2), y = new float[24 * batch];
        w.Forward<W24x40>(bias, x, y, batch);
        for (int k = 0; k < w.Values.Length; k++)
        {
            w.Values[k] = -3f * w.Values[k] + 0.5f;
        }

        w.Forward<W24x40>(bias, x, y, batch);
        float[] expected = new float[24 * batch];
        ReferenceKernels.DenseForward(w.ToDense(), bias, x, expected, 40, 24, batch);
        TestTensors.AssertClose(expected, y, 1e-4, 1e-5, "y after a value change");
    }

    /// <summary>A block format with <paramref name="tiles"/> tiles drawn at random, values in [-1, 1].</summary>
    internal static BlockCsrFormat RandomFormat(int rows, int cols, int tileRows, int tileCols, int tiles, int seed)
    {
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.Block, tileRows, tileCols), rows, cols);
        var random = new Random(seed);
        int[] units = [.. Enumerable.Range(0, layout.UnitCount).OrderBy(_ => random.Next()).Take(tiles).Order()];
        float[] values = TestTensors.Random(tiles * layout.UnitSize, seed + 1);
        return Assert.IsType<BlockCsrFormat>(WeightFormats.Create(layout, units, values));
    }

    /// <summary>The entries of a dense [Rows, Cols] matrix at <paramref name="w"/>'s stored positions, in storage order.</summary>
    internal static float[] GatherStored(BlockCsrFormat w, float[] dense)
    {
        var stored = new float[w.StoredValues];
        int[] units = w.ActiveUnits();
        for (int k = 0; k < units.Length; k++)
        {
            int br = units[k] / w.BlockCols, bc = units[k] % w.BlockCols;
            for (int r = 0; r < w.TileRows; r++)
            {
                for (int c = 0; c < w.TileCols; c++)
                {
                    stored[k * w.TileSize + r * w.TileCols + c] = dense[(br * w.TileRows + r) * w.Cols + bc * w.TileCols + c];
                }
            }
        }

        return stored;
    }

    private abstract class BlockCase
    {
        public abstract string Name { get; }

        public abstract void Forward(int batch);

        public abstract void Backward(int batch);

        public static BlockCase Of<TShape>(int tileRows, int tileCols) where TShape : ILayerShape => new BlockCase<TShape>(tileRows, tileCols);
    }

    private sealed class BlockCase<TShape>(int tileRows, int tileCols) : BlockCase
        where TShape : ILayerShape
    {
        private static int In => TShape.In;

        private static int Out => TShape.Out;

        public override string Name => $"{Out}x{In} tiles {tileRows}x{tileCols}";

        /// <summary>None, one, about a quarter, about half, and all of the tiles.</summary>
        private IEnumerable<int> TileCounts()
        {
            int total = Out / tileRows * (In / tileCols);
            return new[] { 0, 1, Math.Max(1, total / 4), total / 2 + 1, total }.Where(n => n <= total).Distinct();
        }

        public override void Forward(int batch)
        {
            foreach (int tiles in TileCounts())
            {
                BlockCsrFormat w = RandomFormat(Out, In, tileRows, tileCols, tiles, seed: 10 + tiles);
                float[] bias = TestTensors.Random(Out, 2), x = TestTensors.Random(In * batch, 3 + batch);
                float[] expected = new float[Out * batch];
                ReferenceKernels.DenseForward(w.ToDense(), bias, x, expected, In, Out, batch);
                foreach (VectorPath path in Paths())
                {
                    float[] y = TestTensors.Random(Out * batch, 4, 1e3f);
                    w.Kernels.Forward<TShape>(w, bias, x, y, batch, path);
                    TestTensors.AssertClose(expected, y, 1e-5 + 1e-6 * In, 1e-5, $"y {Name}, {tiles} tiles, batch {batch}, {path}");
                }
            }
        }

        public override void Backward(int batch)
        {
            foreach (int tiles in TileCounts())
            {
                BlockCsrFormat w = RandomFormat(Out, In, tileRows, tileCols, tiles, seed: 20 + tiles);
                float[] x = TestTensors.Random(In * batch, 5 + batch), dz = TestTensors.Random(Out * batch, 6 + batch);
                float[] eW = new float[Out * In], eb = new float[Out], ex = new float[In * batch];
                ReferenceKernels.DenseBackward(w.ToDense(), x, dz, eW, eb, ex, In, Out, batch);
                float[] expectedValues = GatherStored(w, eW);
                foreach (VectorPath path in Paths())
                {
                    foreach (bool withDx in new[] { true, false })
                    {
                        float[] dValues = TestTensors.Random(w.StoredValues, 7, 1e3f), db = TestTensors.Random(Out, 8, 1e3f);
                        float[]? dx = withDx ? TestTensors.Random(In * batch, 9, 1e3f) : null;
                        w.Kernels.Backward<TShape>(w, x, dz, dValues, db, dx, batch, path);
                        string what = $"{Name}, {tiles} tiles, batch {batch}, {path}";
                        TestTensors.AssertClose(expectedValues, dValues, 1e-5 + 1e-6 * batch, 1e-5, "dValues " + what);
                        TestTensors.AssertClose(eb, db, 1e-5 + 1e-6 * batch, 1e-5, "db " + what);
                        if (dx is not null)
                        {
                            TestTensors.AssertClose(ex, dx, 1e-5 + 1e-6 * Out, 1e-5, "dx " + what);
                        }
                    }
                }
            }
        }
    }
}

// Weight shapes [Out, In], named W{Out}x{In} (the layer maps In inputs to Out outputs).
readonly struct W48x64 : ILayerShape { public static int In => 64; public static int Out => 48; }

readonly struct W112x96 : ILayerShape { public static int In => 96; public static int Out => 112; }

readonly struct W24x40 : ILayerShape { public static int In => 40; public static int Out => 24; }

readonly struct W64x96 : ILayerShape { public static int In => 96; public static int Out => 64; }

readonly struct W20x12 : ILayerShape { public static int In => 12; public static int Out => 20; }

readonly struct W12x32 : ILayerShape { public static int In => 32; public static int Out => 12; }

readonly struct W24x12 : ILayerShape { public static int In => 12; public static int Out => 24; }

readonly struct W9x20 : ILayerShape { public static int In => 20; public static int Out => 9; }

readonly struct W1100x12 : ILayerShape { public static int In => 12; public static int Out => 1100; }

readonly struct W20x512 : ILayerShape { public static int In => 512; public static int Out => 20; }
