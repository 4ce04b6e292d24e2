using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// dW at the stored tiles (SDDMM) and db: for the tile k at (br, bc),
/// <c>dValues[k·R·C + r·C + c] = Σ_b dz[br·R + r, b]·x[bc·C + c, b]</c> — the product of dz's block-row slab [R, batch]
/// and x's block-column slab [C, batch], contracted over the batch (contiguous in both).
/// </summary>
public static unsafe partial class BlockCsrKernels
{
    /// <summary>Block-rows split across cores; each computes its R bias gradients and its tiles' weight gradients.</summary>
    private static void Sddmm<TTile>(TTile tile, BlockCsrFormat w, float[] x, float[] dz, float[] dValues, float[] db, int batch, VectorPath path)
        where TTile : struct, ITileShape
    {
        int[] ptr = w.BlockRowPtr, colIdx = w.BlockColIdx;
        Workers.ForRange(w.BlockRows, Chunks(w.BlockRows, w.Tiles, w.TileSize, batch), (br0, br1) =>
        {
            int rows = tile.Rows, cols = tile.Cols, size = rows * cols;
            fixed (int* pp = ptr, pc = colIdx)
            fixed (float* px = x, pdz = dz, pdv = dValues, pdb = db)
            {
                for (int br = br0; br < br1; br++)
                {
                    float* g = pdz + (long)br * rows * batch;
                    for (int r = 0; r < rows; r++)
                    {
                        pdb[br * rows + r] = DenseKernels.Sum(new ReadOnlySpan<float>(g + (long)r * batch, batch));
                    }

                    for (int k = pp[br]; k < pp[br + 1]; k++)
                    {
                        SddmmTile(tile, g, px + (long)pc[k] * cols * batch, pdv + (long)k * size, batch, path);
                    }
                }
            }
        });
    }

    /// <summary>One tile's R × C gradients from the slabs <paramref name="g"/> [R, batch] and <paramref name="s"/> [C, batch].</summary>
    private static void SddmmTile<TTile>(TTile tile, float* g, float* s, float* output, int batch, VectorPath path)
        where TTile : struct, ITileShape
    {
        int rows = tile.Rows, cols = tile.Cols;
        if (path == VectorPath.Vector512 && rows % 4 == 0 && cols % 4 == 0)
        {
            for (int r = 0; r < rows; r += 4)
            {
                for (int c = 0; c < cols; c += 4)
                {
                    Dot4x4(g + (long)r * batch, s + (long)c * batch, output + r * cols + c, cols, batch);
                }
            }
        }
        else if (path == VectorPath.Vector256 && cols % 4 == 0)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c += 4)
                {
                    Dot1x4(g + (long)r * batch, s + (long)c * batch, output + r * cols + c, batch);
                }
            }
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    output[r * cols + c] = Dot(g + (long)r * batch, s + (long)c * batch, batch, path);
                }
            }
        }
    }

    /// <summary>
    /// Four dz rows × four x rows: 16 batch-lane accumulators (per 16 batch entries eight loads feed 16 FMAs), reduced
    /// together by the transposing tree of <see cref="CsrKernels"/> (15 shuffle-adds, not 16 horizontal sums); output
    /// row i gets lanes [4i, 4i+4).
    /// </summary>
    private static void Dot4x4(float* g, float* s, float* output, int ldOut, int batch)
    {
        float* g1 = g + batch, g2 = g1 + batch, g3 = g2 + batch;
        float* s1 = s + batch, s2 = s1 + batch, s3 = s2 + batch;
        int b = batch & ~15; // whole 16-lane chunks through the tree, the rest one by one
        Vector512<float> sums = CsrKernels.Dots4x4(g, g1, g2, g3, s, s1, s2, s3, b);
        if (b < batch)
        {
            sums += TailSums4x4(g, s, batch, b);
        }

        sums.GetLower().GetLower().Store(output);
        sums.GetLower().GetUpper().Store(output + ldOut);
        sums.GetUpper().GetLower().Store(output + 2 * ldOut);
        sums.GetUpper().GetUpper().Store(output + 3 * ldOut);
    }

    /// <summary>The batch entries [b, batch) of <see cref="Dot4x4"/>'s sixteen sums, lane 4i + j for dz row i and x row j.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> TailSums4x4(float* g, float* s, int batch, int b)
    {
        float* sums = stackalloc float[16];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                float acc = 0f;
                for (int bb = b; bb < batch; bb++)
                {
                    acc = MathF.FusedMultiplyAdd(g[(long)i * batch + bb], s[(long)j * batch + bb], acc);
                }

                sums[4 * i + j] = acc;
            }
        }

        return Vector512.Load(sums);
    }

    /// <summary>One dz row × four x rows in Vector256 (the AVX2 path): four accumulators, each summed at the end.</summary>
    private static void Dot1x4(float* g, float* s, float* output, int batch)
    {
        float* s1 = s + batch, s2 = s1 + batch, s3 = s2 + batch;
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int b = 0;
        for (; b + 8 <= batch; b += 8)
        {
            Vector256<float> d = Vector256.Load(g + b);
            a0 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s + b), a0);
            a1 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s1 + b), a1);
            a2 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s2 + b), a2);
            a3 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s3 + b), a3);
        }

        float r0 = Vector256.Sum(a0), r1 = Vector256.Sum(a1), r2 = Vector256.Sum(a2), r3 = Vector256.Sum(a3);
        for (; b < batch; b++)
        {
            float d = g[b];
            r0 = MathF.FusedMultiplyAdd(d, s[b], r0);
            r1 = MathF.FusedMultiplyAdd(d, s1[b], r1);
            r2 = MathF.FusedMultiplyAdd(d, s2[b], r2);
            r3 = MathF.FusedMultiplyAdd(d, s3[b], r3);
        }

        output[0] = r0;
        output[1] = r1;
        output[2] = r2;
        output[3] = r3;
    }

    /// <summary><c>Σ_b g[b]·s[b]</c> at the widest path allowed: tiles whose sides are not multiples of 4 (and N:M's odd ends).</summary>
    internal static float Dot(float* g, float* s, int batch, VectorPath path)
    {
        int b = 0;
        float sum = 0f;
        if (path == VectorPath.Vector512 && batch >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; b + 16 <= batch; b += 16)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(g + b), Vector512.Load(s + b), acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (path != VectorPath.Scalar && batch >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; b + 8 <= batch; b += 8)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(g + b), Vector256.Load(s + b), acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; b < batch; b++)
        {
            sum = MathF.FusedMultiplyAdd(g[b], s[b], sum);
        }

        return sum;
    }
}
