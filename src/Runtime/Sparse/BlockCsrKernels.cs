using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>Which vector width a kernel runs at: the widest the hardware accelerates, or narrower in tests.</summary>
internal enum VectorPath
{
    Scalar,
    Vector256,
    Vector512,
}

/// <summary>
/// A block-sparse linear layer on the CPU: block-CSR weights (<see cref="BlockCsrFormat"/>, R × C tiles) times
/// feature-major activations (<c>x[in, batch]</c>, element (i,b) at <c>x[i*batch + b]</c>). A tile's block-column of x
/// is one contiguous [C, batch] slab, so each tile is a small dense product: the forward and dX are register-blocked
/// like the GEMM micro-kernel (several output rows × one or two batch vectors of accumulators, a broadcast weight times
/// a loaded activation vector per FMA), and dW is a 4 × 4 block of batch dot products per step, reduced by a transposing
/// tree. Block-rows (forward, dW) or block-columns (dX, through the transpose map: no atomics) are split across cores.
/// <c>TShape</c> gives In = Cols and Out = Rows; <c>TTile</c> the tile size.
/// </summary>
public static unsafe partial class BlockCsrKernels
{
    /// <summary>The widest vector path this machine accelerates (AVX-512 needs its shuffles too, for the dW reduction).</summary>
    internal static VectorPath BestPath { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? VectorPath.Vector512
        : Vector256.IsHardwareAccelerated ? VectorPath.Vector256
        : VectorPath.Scalar;

    /// <summary><c>y[o,b] = bias[o] + Σ_{stored tiles (br,bc) of o's block-row} Σ_c T[o − br·R, c]·x[bc·C + c, b]</c>.</summary>
    /// <param name="w">Weights [Out, In] in block-CSR.</param>
    /// <param name="tile">The tile size (equal to <paramref name="w"/>'s).</param>
    /// <param name="bias">Bias [Out].</param>
    /// <param name="x">Input [In, batch].</param>
    /// <param name="y">Output [Out, batch], overwritten.</param>
    /// <param name="batch">Batch size.</param>
    public static void Forward<TShape, TTile>(BlockCsrFormat w, TTile tile, float[] bias, float[] x, float[] y, int batch)
        where TShape : ILayerShape
        where TTile : struct, ITileShape =>
        Forward<TShape, TTile>(w, tile, bias, x, y, batch, BestPath);

    /// <summary>
    /// Gradients, overwritten (not accumulated): <c>dValues</c> per stored tile <c>dT[r,c] = Σ_b dz[br·R + r, b]·x[bc·C + c, b]</c>
    /// (SDDMM: only the stored tiles), <c>db[o] = Σ_b dz[o,b]</c>, and <c>dx[i,b] = Σ_o W[o,i]·dz[o,b]</c> over the stored
    /// tiles, per block-column through the transpose map.
    /// </summary>
    /// <param name="w">Weights [Out, In] in block-CSR.</param>
    /// <param name="tile">The tile size (equal to <paramref name="w"/>'s).</param>
    /// <param name="x">The forward input [In, batch].</param>
    /// <param name="dz">∂loss/∂(pre-activation) [Out, batch].</param>
    /// <param name="dValues">∂loss/∂Values [Tiles·R·C], overwritten.</param>
    /// <param name="db">∂loss/∂bias [Out], overwritten.</param>
    /// <param name="dx">∂loss/∂x [In, batch], overwritten; null skips it (the first layer).</param>
    /// <param name="batch">Batch size.</param>
    public static void Backward<TShape, TTile>(
        BlockCsrFormat w, TTile tile, float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch)
        where TShape : ILayerShape
        where TTile : struct, ITileShape =>
        Backward<TShape, TTile>(w, tile, x, dz, dValues, db, dx, batch, BestPath);

    internal static void Forward<TShape, TTile>(BlockCsrFormat w, TTile tile, float[] bias, float[] x, float[] y, int batch, VectorPath path)
        where TShape : ILayerShape
        where TTile : struct, ITileShape
    {
        int inputs = TShape.In, outputs = TShape.Out;
        CheckShape(w, tile, inputs, outputs);
        DenseKernels.Check(bias, outputs, nameof(bias));
        DenseKernels.Check(x, (long)inputs * batch, nameof(x));
        DenseKernels.Check(y, (long)outputs * batch, nameof(y));
        Product(new Straight<TTile>(tile), w.BlockRowPtr, w.BlockColIdx, null, w.Values, bias, x, y, w.BlockRows, w.Tiles, batch, path);
    }

    internal static void Backward<TShape, TTile>(
        BlockCsrFormat w, TTile tile, float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch, VectorPath path)
        where TShape : ILayerShape
        where TTile : struct, ITileShape
    {
        int inputs = TShape.In, outputs = TShape.Out;
        CheckShape(w, tile, inputs, outputs);
        DenseKernels.Check(x, (long)inputs * batch, nameof(x));
        DenseKernels.Check(dz, (long)outputs * batch, nameof(dz));
        DenseKernels.Check(dValues, w.StoredValues, nameof(dValues));
        DenseKernels.Check(db, outputs, nameof(db));
        Sddmm(tile, w, x, dz, dValues, db, batch, path);
        if (dx is not null)
        {
            DenseKernels.Check(dx, (long)inputs * batch, nameof(dx));
            Product(new Transposed<TTile>(tile), w.TransposePtr, w.TransposeBlockRows, w.TransposeTiles, w.Values, null, dz, dx, w.BlockCols, w.Tiles, batch, path);
        }
    }

    private static void CheckShape<TTile>(BlockCsrFormat w, TTile tile, int inputs, int outputs)
        where TTile : struct, ITileShape
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Rows != outputs || w.Cols != inputs)
        {
            throw new ArgumentException($"Matrix is {w.Rows}×{w.Cols}; the layer shape is Out×In = {outputs}×{inputs}.", nameof(w));
        }

        if (w.TileRows != tile.Rows || w.TileCols != tile.Cols)
        {
            throw new ArgumentException($"Matrix has {w.TileRows}×{w.TileCols} tiles; the kernel was asked for {tile.Rows}×{tile.Cols}.", nameof(tile));
        }
    }

    /// <summary>How many pieces a pass over <paramref name="blocks"/> block-rows or -columns is split into: one when small.</summary>
    private static int Chunks(int blocks, long tiles, int tileSize, int batch)
    {
        long work = tiles * tileSize * batch;
        return work < 1 << 15 ? 1 : Math.Min(blocks, 8 * Workers.Count);
    }
}

/// <summary>
/// The block kernels of one tile size, chosen once per format (<see cref="For"/>, the one place that maps a tile size to
/// its struct), so that <see cref="BlockCsrFormat"/>'s Forward and Backward reach the specialized code with one call.
/// </summary>
internal abstract class BlockTileKernels
{
    /// <summary>The kernels for R × C tiles: a fixed-size struct where there is one, else <see cref="AnyTile"/>.</summary>
    public static BlockTileKernels For(int rows, int cols) => (rows, cols) switch
    {
        (16, 16) => new BlockTileKernels<Tile16x16>(default),
        (8, 8) => new BlockTileKernels<Tile8x8>(default),
        (32, 32) => new BlockTileKernels<Tile32x32>(default),
        (4, 4) => new BlockTileKernels<Tile4x4>(default),
        _ => new BlockTileKernels<AnyTile>(new AnyTile(rows, cols)),
    };

    /// <summary>The tile struct the kernels are specialized on (for tests and diagnostics).</summary>
    public abstract Type TileType { get; }

    public abstract void Forward<TShape>(BlockCsrFormat w, float[] bias, float[] x, float[] y, int batch, VectorPath path)
        where TShape : ILayerShape;

    public abstract void Backward<TShape>(BlockCsrFormat w, float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch, VectorPath path)
        where TShape : ILayerShape;
}

internal sealed class BlockTileKernels<TTile>(TTile tile) : BlockTileKernels
    where TTile : struct, ITileShape
{
    public override Type TileType => typeof(TTile);

    public override void Forward<TShape>(BlockCsrFormat w, float[] bias, float[] x, float[] y, int batch, VectorPath path) =>
        BlockCsrKernels.Forward<TShape, TTile>(w, tile, bias, x, y, batch, path);

    public override void Backward<TShape>(BlockCsrFormat w, float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch, VectorPath path) =>
        BlockCsrKernels.Backward<TShape, TTile>(w, tile, x, dz, dValues, db, dx, batch, path);
}
