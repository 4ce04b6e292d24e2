using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// The block product shared by the forward and dX. For output block o (a block-row of y, or a block-column of dx) with
/// gather entries e in [ptr[o], ptr[o+1]):
/// <c>dst[o·H + i, b] = init[o·H + i] + Σ_e Σ_{k&lt;D} A_e[i, k]·src[index[e]·D + k, b]</c>, where A_e is the entry's tile
/// read straight (forward: H = R, D = C, A = T) or transposed (dX: H = C, D = R, A = Tᵀ) and src[index[e]·D ..] is
/// one contiguous [D, batch] slab (x's block-column, or dz's block-row).
/// </summary>
public static unsafe partial class BlockCsrKernels
{
    /// <summary>How the product reads a tile: output rows (Height), depth (Depth), and the strides of A[i, k] in the tile.</summary>
    private interface ITileOperand
    {
        int Height { get; }

        int Depth { get; }

        int RowStride { get; }

        int DepthStride { get; }

        int Size { get; }
    }

    /// <summary>The forward's A = T: rows of the tile are output rows, its columns the depth.</summary>
    private readonly struct Straight<TTile> : ITileOperand
        where TTile : struct, ITileShape
    {
        private readonly TTile tile;

        public Straight(TTile tile) => this.tile = tile;

        public int Height => tile.Rows;

        public int Depth => tile.Cols;

        public int RowStride => tile.Cols;

        public int DepthStride => 1;

        // Without the hint the JIT kept this one getter as a call (seen in its disassembly), and the tile stride with it.
        public int Size { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => tile.Rows * tile.Cols; }
    }

    /// <summary>dX's A = Tᵀ: columns of the tile are output rows (contiguous weights per broadcast group), its rows the depth.</summary>
    private readonly struct Transposed<TTile> : ITileOperand
        where TTile : struct, ITileShape
    {
        private readonly TTile tile;

        public Transposed(TTile tile) => this.tile = tile;

        public int Height => tile.Cols;

        public int Depth => tile.Rows;

        public int RowStride => 1;

        public int DepthStride => tile.Cols;

        public int Size { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => tile.Rows * tile.Cols; }
    }

    /// <summary>One output block's gather entries: [Start, End) of <see cref="Index"/> (source slab) and <see cref="TileOf"/> (storage rank; null: the entry itself).</summary>
    private readonly struct Gather(int start, int end, int* index, int* tileOf, float* values, float* src)
    {
        public readonly int Start = start;
        public readonly int End = end;
        public readonly int* Index = index;
        public readonly int* TileOf = tileOf;
        public readonly float* Values = values;
        public readonly float* Src = src;

        /// <summary>The first value of entry e's tile.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Tile(int e, int size) => Values + (long)(TileOf == null ? e : TileOf[e]) * size;

        /// <summary>The first element of entry e's source slab ([slab / batch, batch]).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Slab(int e, long slab) => Src + Index[e] * slab;
    }

    private static void Product<TOp>(
        TOp op, int[] ptr, int[] index, int[]? tileOf, float[] values, float[]? init, float[] src, float[] dst, int blocks, int tiles, int batch, VectorPath path)
        where TOp : struct, ITileOperand
    {
        Workers.ForRange(blocks, Chunks(blocks, tiles, op.Size, batch), (o0, o1) =>
        {
            fixed (int* pp = ptr, pi = index, pt = tileOf)
            fixed (float* pv = values, pinit = init, ps = src, pd = dst)
            {
                int height = op.Height;
                for (int o = o0; o < o1; o++)
                {
                    var gather = new Gather(pp[o], pp[o + 1], pi, pt, pv, ps);
                    float* blockInit = pinit == null ? null : pinit + (long)o * height;
                    ProductBlock(op, gather, blockInit, pd + (long)o * height * batch, batch, path);
                }
            }
        });
    }

    /// <summary>
    /// One output block [Height, batch]: the batch in register-blocked steps (8 rows × 32 or 4 rows × 64 with
    /// Vector512; 4 rows × 16 with Vector256), then 16- or 8-wide steps row by row, then the last few entries scalar.
    /// </summary>
    private static void ProductBlock<TOp>(TOp op, Gather g, float* init, float* dst, int batch, VectorPath path)
        where TOp : struct, ITileOperand
    {
        int height = op.Height, b = 0;
        if (path == VectorPath.Vector512)
        {
            if (height % 8 == 0)
            {
                for (; b + 32 <= batch; b += 32)
                {
                    for (int i = 0; i < height; i += 8)
                    {
                        Rows8x32(op, g, init, dst, batch, i, b);
                    }
                }
            }
            else if (height % 4 == 0)
            {
                for (; b + 64 <= batch; b += 64)
                {
                    for (int i = 0; i < height; i += 4)
                    {
                        Rows4x64(op, g, init, dst, batch, i, b);
                    }
                }
            }

            for (; b + 16 <= batch; b += 16)
            {
                for (int i = 0; i < height; i++)
                {
                    Row1x16(op, g, init, dst, batch, i, b);
                }
            }
        }
        else if (path == VectorPath.Vector256)
        {
            if (height % 4 == 0)
            {
                for (; b + 16 <= batch; b += 16)
                {
                    for (int i = 0; i < height; i += 4)
                    {
                        Rows4x16(op, g, init, dst, batch, i, b);
                    }
                }
            }

            for (; b + 8 <= batch; b += 8)
            {
                for (int i = 0; i < height; i++)
                {
                    Row1x8(op, g, init, dst, batch, i, b);
                }
            }
        }

        if (b < batch)
        {
            for (int i = 0; i < height; i++)
            {
                RowScalar(op, g, init, dst, batch, i, b);
            }
        }
    }

    /// <summary>Rows [i0, i0+4) × batch [b, b+16) in two Vector256 each: 8 accumulators (AVX2 has 16 registers).</summary>
    private static void Rows4x16<TOp>(TOp op, Gather g, float* init, float* dst, int batch, int i0, int b)
        where TOp : struct, ITileOperand
    {
        int depth = op.Depth, rs = op.RowStride, ds = op.DepthStride, size = op.Size;
        long slab = (long)depth * batch;
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (init == null)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        }
        else
        {
            float* bias = init + i0;
            c00 = c01 = Vector256.Create(bias[0]);
            c10 = c11 = Vector256.Create(bias[1]);
            c20 = c21 = Vector256.Create(bias[2]);
            c30 = c31 = Vector256.Create(bias[3]);
        }

        for (int e = g.Start; e < g.End; e++)
        {
            float* a = g.Tile(e, size) + i0 * rs;
            float* s = g.Slab(e, slab) + b;
            for (int k = 0; k < depth; k++)
            {
                Vector256<float> x0 = Vector256.Load(s), x1 = Vector256.Load(s + 8);
                Vector256<float> w = Vector256.Create(a[0]);
                c00 = Vector256.FusedMultiplyAdd(w, x0, c00); c01 = Vector256.FusedMultiplyAdd(w, x1, c01);
                w = Vector256.Create(a[rs]);
                c10 = Vector256.FusedMultiplyAdd(w, x0, c10); c11 = Vector256.FusedMultiplyAdd(w, x1, c11);
                w = Vector256.Create(a[2 * rs]);
                c20 = Vector256.FusedMultiplyAdd(w, x0, c20); c21 = Vector256.FusedMultiplyAdd(w, x1, c21);
                w = Vector256.Create(a[3 * rs]);
                c30 = Vector256.FusedMultiplyAdd(w, x0, c30); c31 = Vector256.FusedMultiplyAdd(w, x1, c31);
                a += ds;
                s += batch;
            }
        }

        float* d = dst + (long)i0 * batch + b;
        c00.Store(d); c01.Store(d + 8); d += batch;
        c10.Store(d); c11.Store(d + 8); d += batch;
        c20.Store(d); c21.Store(d + 8); d += batch;
        c30.Store(d); c31.Store(d + 8);
    }

    /// <summary>Row i × batch [b, b+8): the Vector256 remainder.</summary>
    private static void Row1x8<TOp>(TOp op, Gather g, float* init, float* dst, int batch, int i, int b)
        where TOp : struct, ITileOperand
    {
        int depth = op.Depth, ds = op.DepthStride, size = op.Size;
        long slab = (long)depth * batch;
        Vector256<float> c0 = init == null ? Vector256<float>.Zero : Vector256.Create(init[i]);
        for (int e = g.Start; e < g.End; e++)
        {
            float* a = g.Tile(e, size) + i * op.RowStride;
            float* s = g.Slab(e, slab) + b;
            for (int k = 0; k < depth; k++)
            {
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[0]), Vector256.Load(s), c0);
                a += ds;
                s += batch;
            }
        }

        c0.Store(dst + (long)i * batch + b);
    }

    /// <summary>Row i × batch [b, batch) one element at a time: batch tails, and the whole product without SIMD.</summary>
    private static void RowScalar<TOp>(TOp op, Gather g, float* init, float* dst, int batch, int i, int b)
        where TOp : struct, ITileOperand
    {
        int depth = op.Depth, ds = op.DepthStride, size = op.Size;
        long slab = (long)depth * batch;
        float* d = dst + (long)i * batch;
        for (int bb = b; bb < batch; bb++)
        {
            float acc = init == null ? 0f : init[i];
            for (int e = g.Start; e < g.End; e++)
            {
                float* a = g.Tile(e, size) + i * op.RowStride;
                float* s = g.Slab(e, slab) + bb;
                for (int k = 0; k < depth; k++)
                {
                    acc = MathF.FusedMultiplyAdd(a[k * ds], s[(long)k * batch], acc);
                }
            }

            d[bb] = acc;
        }
    }
}
