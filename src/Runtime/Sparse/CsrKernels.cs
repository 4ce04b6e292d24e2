using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// An unstructured sparse linear layer on the CPU: CSR weights times feature-major activations
/// (<c>x[in, batch]</c>, element (i,b) at <c>x[i*batch + b]</c>), every inner loop vectorized over the batch;
/// the forward and dW split W's rows across cores, dX its columns. <c>TShape</c> gives In = Cols, Out = Rows.
/// </summary>
public static unsafe partial class CsrKernels
{
    /// <summary>SpMM: <c>y[o,b] = bias[o] + Σ_{k in row o} Values[k]·x[ColIdx[k], b]</c>.</summary>
    /// <param name="w">Weights [Out, In] in CSR.</param>
    /// <param name="bias">Bias [Out].</param>
    /// <param name="x">Input [In, batch].</param>
    /// <param name="y">Output [Out, batch], overwritten.</param>
    /// <param name="batch">Batch size.</param>
    public static void Forward<TShape>(CsrMatrix w, float[] bias, float[] x, float[] y, int batch)
        where TShape : ILayerShape
    {
        int inputs = TShape.In, outputs = TShape.Out;
        CheckShape(w, inputs, outputs);
        DenseKernels.Check(bias, outputs, nameof(bias));
        DenseKernels.Check(x, (long)inputs * batch, nameof(x));
        DenseKernels.Check(y, (long)outputs * batch, nameof(y));
        // No aligned copy of x here (unlike the backward's sources): measured side by side (bench `alignment`) the copy
        // cost about what it saved in the forward gather, 0.84–1.3× either way over six runs; misaligned rows are read in
        // their lines' own frame instead (GatherRowShifted).
        GatherRows(w.RowPtr, w.ColIdx, w.Values, bias, x, y, outputs, batch, w.Nnz);
    }

    /// <summary>
    /// Gradients, overwritten (not accumulated): <c>dValues[k] = Σ_b dy[row(k),b]·x[ColIdx[k],b]</c> (SDDMM, only
    /// at active positions), <c>db[o] = Σ_b dy[o,b]</c>, and <c>dx[i,b] = Σ_{k: ColIdx[k]=i} Values[k]·dy[row(k),b]</c>
    /// scattered row by row (<see cref="ScatterTransposed"/>).
    /// </summary>
    /// <param name="w">Weights [Out, In] in CSR.</param>
    /// <param name="x">The forward input [In, batch].</param>
    /// <param name="dy">∂loss/∂y [Out, batch].</param>
    /// <param name="dValues">∂loss/∂Values [nnz], overwritten.</param>
    /// <param name="db">∂loss/∂bias [Out], overwritten.</param>
    /// <param name="dx">∂loss/∂x [In, batch], overwritten; null skips it (the first layer).</param>
    /// <param name="batch">Batch size.</param>
    public static void Backward<TShape>(CsrMatrix w, float[] x, float[] dy, float[] dValues, float[] db, float[]? dx, int batch)
        where TShape : ILayerShape
    {
        int inputs = TShape.In, outputs = TShape.Out;
        CheckShape(w, inputs, outputs);
        DenseKernels.Check(x, (long)inputs * batch, nameof(x));
        DenseKernels.Check(dy, (long)outputs * batch, nameof(dy));
        DenseKernels.Check(dValues, w.Nnz, nameof(dValues));
        DenseKernels.Check(db, outputs, nameof(db));
        var (xSource, xOffset) = AlignedSource(x, (long)inputs * batch, batch, ref sddmmScratch);
        Sddmm(w, xSource, xOffset, dy, dValues, db, batch);
        if (dx is not null)
        {
            DenseKernels.Check(dx, (long)inputs * batch, nameof(dx));
            ScatterTransposed(w, dy, dx, batch);
        }
    }

    private static void CheckShape(CsrMatrix w, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Rows != outputs || w.Cols != inputs)
        {
            throw new ArgumentException($"Matrix is {w.Rows}×{w.Cols}; the layer shape is Out×In = {outputs}×{inputs}.", nameof(w));
        }
    }

    private static int Chunks(int rows, long nnz, int batch)
    {
        long work = nnz * batch;
        return work < 1 << 15 ? 1 : Math.Min(rows, 8 * Workers.Count);
    }

    /// <summary>
    /// The forward SpMM: <c>dst[r,:] = bias[r] + Σ_{k in [ptr[r], ptr[r+1])} values[k]·src[index[k], :]</c>,
    /// vectorized over the batch, rows split across cores.
    /// </summary>
    private static void GatherRows(int[] ptr, int[] index, float[] values, float[] bias, float[] src, float[] dst, int rows, int batch, int nnz)
    {
        Workers.ForRange(rows, Chunks(rows, nnz, batch), (r0, r1) =>
        {
            fixed (int* pp = ptr, pi = index)
            fixed (float* pv = values, ps = src, pd = dst)
            {
                int shift = ShiftOf(ps, batch);
                int shifted = shift == 0 ? 0 : batch / 128 * 128; // columns the shifted gather covers
                for (int r = r0; r < r1; r++)
                {
                    if (shift != 0)
                    {
                        GatherRowShifted(pp[r], pp[r + 1], nnz - 1, pi, pv, ps, pd + (long)r * batch, bias[r], batch, shift);
                    }

                    GatherRow(pp[r], pp[r + 1], nnz - 1, pi, pv, ps, pd + (long)r * batch, bias[r], batch, shifted);
                }
            }
        });
    }

    /// <summary>
    /// How many entries ahead the 128-wide gather prefetches its src row. The rows are picked at random, so the hardware
    /// prefetcher cannot foresee them; asking for them four entries early made the forward gather ~10 % faster,
    /// measured side by side (eight ahead measured the same as four).
    /// </summary>
    private const int PrefetchAhead = 4;

    /// <summary>
    /// One row of the gather over entries [start, end), columns [<paramref name="from"/>, batch); <paramref name="last"/> is
    /// the last valid entry (prefetch bound).
    /// </summary>
    private static void GatherRow(int start, int end, int last, int* index, float* values, float* src, float* dst, float init, int batch, int from = 0)
    {
        int b = from;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; b + 128 <= batch; b += 128)
            {
                Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7;
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512.Create(init);
                for (int k = start; k < end; k++)
                {
                    if (Sse.IsSupported)
                    {
                        PrefetchRow((byte*)(src + (long)index[Math.Min(k + PrefetchAhead, last)] * batch + b));
                    }

                    Vector512<float> v = Vector512.Create(values[k]);
                    float* s = src + (long)index[k] * batch + b;
                    a0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s), a0);
                    a1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 16), a1);
                    a2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 32), a2);
                    a3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 48), a3);
                    a4 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 64), a4);
                    a5 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 80), a5);
                    a6 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 96), a6);
                    a7 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 112), a7);
                }

                float* d = dst + b;
                a0.Store(d); a1.Store(d + 16); a2.Store(d + 32); a3.Store(d + 48);
                a4.Store(d + 64); a5.Store(d + 80); a6.Store(d + 96); a7.Store(d + 112);
            }

            for (; b + 16 <= batch; b += 16)
            {
                Vector512<float> a0 = Vector512.Create(init);
                for (int k = start; k < end; k++)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(values[k]), Vector512.Load(src + (long)index[k] * batch + b), a0);
                }

                a0.Store(dst + b);
            }
        }

        for (; b < batch; b++)
        {
            float acc = init;
            for (int k = start; k < end; k++)
            {
                acc = MathF.FusedMultiplyAdd(values[k], src[(long)index[k] * batch + b], acc);
            }

            dst[b] = acc;
        }
    }

    /// <summary>The eight 64-byte lines of a 128-float row into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRow(byte* row)
    {
        Sse.Prefetch0(row);
        Sse.Prefetch0(row + 64);
        Sse.Prefetch0(row + 128);
        Sse.Prefetch0(row + 192);
        Sse.Prefetch0(row + 256);
        Sse.Prefetch0(row + 320);
        Sse.Prefetch0(row + 384);
        Sse.Prefetch0(row + 448);
    }

    /// <summary>dValues at active positions and db, rows split across cores.</summary>
    private static void Sddmm(CsrMatrix w, float[] x, int xOffset, float[] dy, float[] dValues, float[] db, int batch)
    {
        int[] rowPtr = w.RowPtr, colIdx = w.ColIdx;
        int rows = w.Rows;
        Workers.ForRange(rows, Chunks(rows, w.Nnz, batch), (r0, r1) =>
        {
            fixed (int* pp = rowPtr, pc = colIdx)
            fixed (float* x0 = x, pdy = dy, pdv = dValues)
            {
                float* px = x0 + xOffset;
                for (int r = r0; r < r1; r++)
                {
                    float* g = pdy + (long)r * batch;
                    db[r] = DenseKernels.Sum(new ReadOnlySpan<float>(g, batch));
                    SddmmRow(pp[r], pp[r + 1], pc, px, g, pdv, batch);
                }
            }
        });
    }

    private static void SddmmRow(int start, int end, int* colIdx, float* x, float* g, float* dValues, int batch)
    {
        int b = 0;
        bool first = true;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            for (; b + 128 <= batch; b += 128)
            {
                Vector512<float> g0 = Vector512.Load(g + b), g1 = Vector512.Load(g + b + 16);
                Vector512<float> g2 = Vector512.Load(g + b + 32), g3 = Vector512.Load(g + b + 48);
                Vector512<float> g4 = Vector512.Load(g + b + 64), g5 = Vector512.Load(g + b + 80);
                Vector512<float> g6 = Vector512.Load(g + b + 96), g7 = Vector512.Load(g + b + 112);
                float* xb = x + b;
                int k = start;

                // Sixteen active weights at a time: sixteen 16-lane partial products, reduced together by a
                // transposing tree (15 shuffle-adds) instead of sixteen separate horizontal sums.
                for (; k + 16 <= end; k += 16)
                {
                    int* c = colIdx + k;
                    Vector512<float> s0 = Level2(
                        Level1(Dot(xb + (long)c[0] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[1] * batch, g0, g1, g2, g3, g4, g5, g6, g7)),
                        Level1(Dot(xb + (long)c[2] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[3] * batch, g0, g1, g2, g3, g4, g5, g6, g7)));
                    Vector512<float> s1 = Level2(
                        Level1(Dot(xb + (long)c[4] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[5] * batch, g0, g1, g2, g3, g4, g5, g6, g7)),
                        Level1(Dot(xb + (long)c[6] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[7] * batch, g0, g1, g2, g3, g4, g5, g6, g7)));
                    Vector512<float> t0 = Level3(s0, s1);
                    Vector512<float> s2 = Level2(
                        Level1(Dot(xb + (long)c[8] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[9] * batch, g0, g1, g2, g3, g4, g5, g6, g7)),
                        Level1(Dot(xb + (long)c[10] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[11] * batch, g0, g1, g2, g3, g4, g5, g6, g7)));
                    Vector512<float> s3 = Level2(
                        Level1(Dot(xb + (long)c[12] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[13] * batch, g0, g1, g2, g3, g4, g5, g6, g7)),
                        Level1(Dot(xb + (long)c[14] * batch, g0, g1, g2, g3, g4, g5, g6, g7), Dot(xb + (long)c[15] * batch, g0, g1, g2, g3, g4, g5, g6, g7)));
                    Vector512<float> t1 = Level3(s2, s3);
                    Vector512<float> sums = Avx512F.PermuteVar16x32(Level4(t0, t1), ReduceOrder);
                    if (!first)
                    {
                        sums += Vector512.Load(dValues + k);
                    }

                    sums.Store(dValues + k);
                }

                for (; k < end; k++)
                {
                    float sum = Vector512.Sum(Dot(xb + (long)colIdx[k] * batch, g0, g1, g2, g3, g4, g5, g6, g7));
                    dValues[k] = first ? sum : dValues[k] + sum;
                }

                first = false;
            }

            for (; b + 16 <= batch; b += 16)
            {
                Vector512<float> g0 = Vector512.Load(g + b);
                for (int k = start; k < end; k++)
                {
                    float sum = Vector512.Sum(g0 * Vector512.Load(x + (long)colIdx[k] * batch + b));
                    dValues[k] = first ? sum : dValues[k] + sum;
                }

                first = false;
            }
        }

        if (b < batch)
        {
            for (int k = start; k < end; k++)
            {
                float* s = x + (long)colIdx[k] * batch;
                float acc = 0f;
                for (int bb = b; bb < batch; bb++)
                {
                    acc = MathF.FusedMultiplyAdd(g[bb], s[bb], acc);
                }

                dValues[k] = first ? acc : dValues[k] + acc;
            }
        }
        else if (first)
        {
            for (int k = start; k < end; k++)
            {
                dValues[k] = 0f;
            }
        }
    }

    /// <summary>The 16-lane partial products of one active weight over 128 batch entries: Σ lanes = Σ_b g[b]·s[b].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Dot(
        float* s, Vector512<float> g0, Vector512<float> g1, Vector512<float> g2, Vector512<float> g3,
        Vector512<float> g4, Vector512<float> g5, Vector512<float> g6, Vector512<float> g7)
    {
        Vector512<float> p0 = g0 * Vector512.Load(s);
        Vector512<float> p1 = g1 * Vector512.Load(s + 16);
        p0 = Vector512.FusedMultiplyAdd(g2, Vector512.Load(s + 32), p0);
        p1 = Vector512.FusedMultiplyAdd(g3, Vector512.Load(s + 48), p1);
        p0 = Vector512.FusedMultiplyAdd(g4, Vector512.Load(s + 64), p0);
        p1 = Vector512.FusedMultiplyAdd(g5, Vector512.Load(s + 80), p1);
        p0 = Vector512.FusedMultiplyAdd(g6, Vector512.Load(s + 96), p0);
        p1 = Vector512.FusedMultiplyAdd(g7, Vector512.Load(s + 112), p1);
        return p0 + p1;
    }

    /// <summary>
    /// The sixteen dot products a_i·b_j over [0, <paramref name="length"/>) (a multiple of 16), lane 4i + j: four rows of
    /// one operand against four of the other, each loaded vector feeding four FMAs, reduced by the tree below (block-CSR's
    /// dW tiles, and the GEMM's few-row products with a transposed B).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Dots4x4(float* a0, float* a1, float* a2, float* a3, float* b0, float* b1, float* b2, float* b3, int length)
    {
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
        for (int p = 0; p < length; p += 16)
        {
            Vector512<float> y0 = Vector512.Load(b0 + p), y1 = Vector512.Load(b1 + p), y2 = Vector512.Load(b2 + p), y3 = Vector512.Load(b3 + p);
            Vector512<float> x = Vector512.Load(a0 + p);
            s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
            s02 = Vector512.FusedMultiplyAdd(x, y2, s02); s03 = Vector512.FusedMultiplyAdd(x, y3, s03);
            x = Vector512.Load(a1 + p);
            s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
            s12 = Vector512.FusedMultiplyAdd(x, y2, s12); s13 = Vector512.FusedMultiplyAdd(x, y3, s13);
            x = Vector512.Load(a2 + p);
            s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
            s22 = Vector512.FusedMultiplyAdd(x, y2, s22); s23 = Vector512.FusedMultiplyAdd(x, y3, s23);
            x = Vector512.Load(a3 + p);
            s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
            s32 = Vector512.FusedMultiplyAdd(x, y2, s32); s33 = Vector512.FusedMultiplyAdd(x, y3, s33);
        }

        Vector512<float> t0 = Level3(Level2(Level1(s00, s01), Level1(s02, s03)), Level2(Level1(s10, s11), Level1(s12, s13)));
        Vector512<float> t1 = Level3(Level2(Level1(s20, s21), Level1(s22, s23)), Level2(Level1(s30, s31), Level1(s32, s33)));
        return Avx512F.PermuteVar16x32(Level4(t0, t1), ReduceOrder);
    }

    // The reduction tree (BlockCsrKernels' dW uses it too): after Level4, lane 4c + j holds the total of input 4j + c; ReduceOrder puts input i in lane i.
    internal static readonly Vector512<int> ReduceOrder = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);

    /// <summary>Pairs of inputs: 128-bit chunks [a0+a2, a1+a3, b0+b2, b1+b3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Level1(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0b01_00_01_00) + Avx512F.Shuffle4x128(a, b, 0b11_10_11_10);

    /// <summary>Pairs of Level1 results: chunk c holds 4 partials of input c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Level2(Vector512<float> ab, Vector512<float> cd) =>
        Avx512F.Shuffle4x128(ab, cd, 0b10_00_10_00) + Avx512F.Shuffle4x128(ab, cd, 0b11_01_11_01);

    /// <summary>Within each chunk, pairs of partials: [x0+x2, x1+x3, y0+y2, y1+y3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Level3(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle(x, y, 0b01_00_01_00) + Avx512F.Shuffle(x, y, 0b11_10_11_10);

    /// <summary>Within each chunk, the last pair: [x0+x1, x2+x3, y0+y1, y2+y3] of the Level3 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Level4(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle(x, y, 0b10_00_10_00) + Avx512F.Shuffle(x, y, 0b11_01_11_01);
}
