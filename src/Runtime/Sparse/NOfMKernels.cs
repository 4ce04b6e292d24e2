using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// An N:M linear layer on the CPU (<see cref="NOfMFormat"/>) times feature-major activations (<c>x[in, batch]</c>).
/// What CSR at 50 % density lacks is reuse: each weight streams a random 512-byte activation row in from L2. Here every
/// row has the same groups at the same offsets, so the kernels walk <see cref="BlockInputs"/> inputs of every row at a
/// time while that slab of activations (<c>[BlockInputs, 128]</c>, 32 KiB) stays in L1; dX does the same over blocks
/// of <see cref="BlockRows"/> rows of dz through the transpose map. The batch is taken 128 at a time (eight Vector512
/// accumulators, a broadcast weight times a loaded activation vector per FMA), then 16 at a time, then one by one.
/// Rows (forward, dW) or inputs (dX) are split across cores.
/// </summary>
public static unsafe partial class NOfMKernels
{
    /// <summary>Inputs per L1 slab of x (forward, dW): 64 rows of 128 floats = 32 KiB.</summary>
    internal const int BlockInputs = 64;

    /// <summary>Rows of dz per L1 slab in dX: 64 rows of 128 floats = 32 KiB.</summary>
    internal const int BlockRows = 64;

    private const int BatchTile = 128;

    // Aligned copies of misaligned activations (a Vector512 load across two cache lines costs two), one per product.
    [ThreadStatic]
    private static float[]? forwardScratch;

    [ThreadStatic]
    private static float[]? gradientScratch;

    [ThreadStatic]
    private static float[]? inputGradientScratch;

    [ThreadStatic]
    private static float[]? transposedScratch;

    /// <summary>Vector512 (with AVX-512's shuffles, for the dW reduction) or scalar: <see cref="WeightFormats"/> stores N:M as CSR elsewhere.</summary>
    internal static VectorPath BestPath { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? VectorPath.Vector512 : VectorPath.Scalar;

    /// <summary><c>y[o,b] = bias[o] + Σ_{stored k of row o} Values[k]·x[col(k), b]</c>.</summary>
    internal static void Forward<TShape>(NOfMFormat w, float[] bias, float[] x, float[] y, int batch, VectorPath path)
        where TShape : ILayerShape
    {
        CheckShape<TShape>(w);
        DenseKernels.Check(bias, w.Rows, nameof(bias));
        DenseKernels.Check(x, (long)w.Cols * batch, nameof(x));
        DenseKernels.Check(y, (long)w.Rows * batch, nameof(y));
        var (source, offset) = CsrKernels.AlignedSource(x, (long)w.Cols * batch, batch, ref forwardScratch);
        Workers.ForRange(w.Rows, Chunks(w.Rows, w.StoredValues, batch), (r0, r1) =>
        {
            var scratch = new long[Walk.OffsetCapacity(w)];
            fixed (float* pv = w.Values, px0 = source, py = y, pb = bias)
            fixed (byte* ps = w.Slots)
            fixed (long* po = scratch)
            {
                float* px = px0 + offset;
                var rows = new Walk(w, pv, ps, po, batch);
                for (int b = 0; b < batch; b += BatchTile)
                {
                    int width = Math.Min(BatchTile, batch - b);
                    int groupBlock = Math.Max(1, BlockInputs / w.M);
                    for (int g0 = 0; g0 < w.Groups; g0 += groupBlock)
                    {
                        int g1 = Math.Min(w.Groups, g0 + groupBlock);
                        for (int r = r0; r < r1; r++)
                        {
                            rows.ForwardRow(r, g0, g1, px + b, py + (long)r * batch + b, g0 == 0 ? pb[r] : null, width, path);
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// Gradients, overwritten: <c>dValues[k] = Σ_b dz[row(k),b]·x[col(k),b]</c>, <c>db[o] = Σ_b dz[o,b]</c>, and unless
    /// <paramref name="dx"/> is null <c>dx[i,b] = Σ_{k reading input i} Values[k]·dz[row(k),b]</c>.
    /// </summary>
    internal static void Backward<TShape>(NOfMFormat w, float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch, VectorPath path)
        where TShape : ILayerShape
    {
        CheckShape<TShape>(w);
        DenseKernels.Check(x, (long)w.Cols * batch, nameof(x));
        DenseKernels.Check(dz, (long)w.Rows * batch, nameof(dz));
        DenseKernels.Check(dValues, w.StoredValues, nameof(dValues));
        DenseKernels.Check(db, w.Rows, nameof(db));
        WeightGradient(w, x, dz, dValues, db, batch, path);
        if (dx is not null)
        {
            DenseKernels.Check(dx, (long)w.Cols * batch, nameof(dx));
            InputGradient(w, dz, dx, batch, path);
        }
    }

    private static void CheckShape<TShape>(NOfMFormat w)
        where TShape : ILayerShape
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Rows != TShape.Out || w.Cols != TShape.In)
        {
            throw new ArgumentException($"Weight is {w.Rows}×{w.Cols}; the layer shape is Out×In = {TShape.Out}×{TShape.In}.", nameof(w));
        }
    }

    /// <summary>One chunk per core once the work pays for a split: every row holds the same count, so equal ranges are equal work.</summary>
    private static int Chunks(int length, long stored, int batch) => stored * batch < 1 << 15 ? 1 : Math.Min(length, Workers.Count);

    /// <summary>dValues and db, rows split across cores; a row's entries in one input slab are reduced sixteen at a time.</summary>
    private static void WeightGradient(NOfMFormat w, float[] x, float[] dz, float[] dValues, float[] db, int batch, VectorPath path)
    {
        var (source, offset) = CsrKernels.AlignedSource(x, (long)w.Cols * batch, batch, ref gradientScratch);
        Workers.ForRange(w.Rows, Chunks(w.Rows, w.StoredValues, batch), (r0, r1) =>
        {
            var scratch = new long[Walk.OffsetCapacity(w)];
            fixed (float* pv = w.Values, px0 = source, pdz = dz, pdv = dValues)
            fixed (byte* ps = w.Slots)
            fixed (long* po = scratch)
            {
                float* px = px0 + offset;
                var rows = new Walk(w, pv, ps, po, batch);
                for (int r = r0; r < r1; r++)
                {
                    db[r] = DenseKernels.Sum(new ReadOnlySpan<float>(pdz + (long)r * batch, batch));
                }

                for (int b = 0; b < batch; b += BatchTile)
                {
                    int width = Math.Min(BatchTile, batch - b);
                    int groupBlock = Math.Max(1, BlockInputs / w.M);
                    for (int g0 = 0; g0 < w.Groups; g0 += groupBlock)
                    {
                        int g1 = Math.Min(w.Groups, g0 + groupBlock);
                        for (int r = r0; r < r1; r++)
                        {
                            rows.GradientRow(r, g0, g1, px + b, pdz + (long)r * batch + b, pdv, accumulate: b > 0, width, path);
                        }
                    }
                }

                if (batch == 0)
                {
                    new Span<float>(pdv + (long)r0 * w.RowValues, (r1 - r0) * w.RowValues).Clear();
                }
            }
        });
    }

    /// <summary>dX through the transpose map, inputs split across cores; dz is read one L1 slab of rows at a time.</summary>
    private static void InputGradient(NOfMFormat w, float[] dz, float[] dx, int batch, VectorPath path)
    {
        int rows = w.Rows;
        var (source, offset) = CsrKernels.AlignedSource(dz, (long)rows * batch, batch, ref inputGradientScratch);

        // The weights in transpose order, gathered once per call: read where they are stored, each input's entries sit a
        // row apart (one cache miss each, in the inner loop); gathered first, the misses overlap and the loop streams.
        float[] transposed = transposedScratch is { } t && t.Length >= w.StoredValues ? t : transposedScratch = new float[w.StoredValues];
        Workers.ForRange(w.StoredValues, Chunks(w.Cols, w.StoredValues, batch), (e0, e1) =>
        {
            int[] positions = w.TransposePositions;
            float[] values = w.Values;
            for (int e = e0; e < e1; e++)
            {
                transposed[e] = values[positions[e]];
            }
        });

        Workers.ForRange(w.Cols, Chunks(w.Cols, w.StoredValues, batch), (c0, c1) =>
        {
            var cursor = new int[c1 - c0];
            fixed (int* ptr = w.TransposePtr, trows = w.TransposeRows)
            fixed (float* pv = transposed, pdz0 = source, pdx = dx)
            {
                float* pdz = pdz0 + offset;
                for (int b = 0; b < batch; b += BatchTile)
                {
                    int width = Math.Min(BatchTile, batch - b);
                    new ReadOnlySpan<int>(ptr + c0, c1 - c0).CopyTo(cursor);
                    for (int rb = 0; rb < Math.Max(rows, 1); rb += BlockRows)
                    {
                        int rowEnd = rb + BlockRows;
                        for (int c = c0; c < c1; c++)
                        {
                            int start = cursor[c - c0], end = start, last = ptr[c + 1];
                            while (end < last && trows[end] < rowEnd)
                            {
                                end++;
                            }

                            GatherInput(start, end, trows, pv, pdz + b, pdx + (long)c * batch + b, accumulate: rb > 0, width, batch, path);
                            cursor[c - c0] = end;
                        }
                    }
                }
            }
        });
    }

    /// <summary>dst[0..width) (+)= Σ_{k in [start, end)} values[k]·dz[rows[k], 0..width) (values in transpose order).</summary>
    private static void GatherInput(int start, int end, int* rows, float* values, float* dz, float* dst, bool accumulate, int width, int batch, VectorPath path)
    {
        int b = 0;
        if (path == VectorPath.Vector512)
        {
            if (width == BatchTile)
            {
                Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7;
                if (accumulate)
                {
                    a0 = Vector512.Load(dst); a1 = Vector512.Load(dst + 16); a2 = Vector512.Load(dst + 32); a3 = Vector512.Load(dst + 48);
                    a4 = Vector512.Load(dst + 64); a5 = Vector512.Load(dst + 80); a6 = Vector512.Load(dst + 96); a7 = Vector512.Load(dst + 112);
                }
                else
                {
                    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512<float>.Zero;
                }

                for (int k = start; k < end; k++)
                {
                    Vector512<float> v = Vector512.Create(values[k]);
                    float* s = dz + (long)rows[k] * batch;
                    a0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s), a0);
                    a1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 16), a1);
                    a2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 32), a2);
                    a3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 48), a3);
                    a4 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 64), a4);
                    a5 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 80), a5);
                    a6 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 96), a6);
                    a7 = Vector512.FusedMultiplyAdd(v, Vector512.Load(s + 112), a7);
                }

                a0.Store(dst); a1.Store(dst + 16); a2.Store(dst + 32); a3.Store(dst + 48);
                a4.Store(dst + 64); a5.Store(dst + 80); a6.Store(dst + 96); a7.Store(dst + 112);
                return;
            }

            for (; b + 16 <= width; b += 16)
            {
                Vector512<float> a = accumulate ? Vector512.Load(dst + b) : Vector512<float>.Zero;
                for (int k = start; k < end; k++)
                {
                    a = Vector512.FusedMultiplyAdd(Vector512.Create(values[k]), Vector512.Load(dz + (long)rows[k] * batch + b), a);
                }

                a.Store(dst + b);
            }
        }

        for (; b < width; b++)
        {
            float acc = accumulate ? dst[b] : 0f;
            for (int k = start; k < end; k++)
            {
                acc = MathF.FusedMultiplyAdd(values[k], dz[(long)rows[k] * batch + b], acc);
            }

            dst[b] = acc;
        }
    }
}
