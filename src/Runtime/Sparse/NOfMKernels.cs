using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// An N:M linear layer on the CPU (<see cref="NOfMFormat"/>) times feature-major activations (<c>x[in, batch]</c>).
/// What CSR at 50 % density lacks is reuse: each weight streams a random 512-byte activation row in from L2. Here every
/// row has the same groups at the same offsets, so the forward walks <see cref="BlockInputs"/> inputs of every row at a
/// time while that slab of activations (<c>[BlockInputs, 128]</c>, 32 KiB) stays in L1, a broadcast weight times a
/// loaded activation vector per FMA. The backward goes through <see cref="NOfMPairMap"/>: within a run of pairs that
/// read the same two inputs, each loaded vector of dz feeds the FMAs of both weights of a pair (dW: the run's two rows
/// of x in registers; dX, over the same rows of dz while they are in L1: two sums per run). The batch is taken 128 at a
/// time (eight Vector512 per row), then 16 at a time, then one by one. Rows (forward) or groups of inputs (dW, dX) are
/// split across cores.
/// </summary>
public static unsafe partial class NOfMKernels
{
    /// <summary>Inputs per L1 slab of x in the forward: 64 rows of 128 floats = 32 KiB.</summary>
    internal const int BlockInputs = 64;

    private const int BatchTile = 128;

    // Aligned copies of misaligned sources (a Vector512 load across two cache lines costs two): x in the forward, x and
    // dz in the backward.
    [ThreadStatic]
    private static float[]? forwardScratch;

    [ThreadStatic]
    private static float[]? gradientScratch;

    [ThreadStatic]
    private static float[]? dzScratch;

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
            fixed (float* pv = w.Values, px0 = source, py = y, pb = bias)
            fixed (byte* ps = w.Slots)
            {
                float* px = px0 + offset;
                var rows = new Walk(w, pv, ps, batch);
                for (int b = 0; b < batch; b += BatchTile)
                {
                    int width = Math.Min(BatchTile, batch - b);
                    int groupBlock = Math.Max(1, BlockInputs / w.M);
                    for (int g0 = 0; g0 < w.Groups; g0 += groupBlock)
                    {
                        int g1 = Math.Min(w.Groups, g0 + groupBlock);
                        int r = r0;
                        if (path == VectorPath.Vector512 && width == BatchTile)
                        {
                            for (; r + 2 <= r1; r += 2)
                            {
                                rows.ForwardTwoRows(r, g0, g1, px + b, py + (long)r * batch + b, g0 == 0 ? pb[r] : null, g0 == 0 ? pb[r + 1] : null);
                            }
                        }

                        for (; r < r1; r++)
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
        if (dx is not null)
        {
            DenseKernels.Check(dx, (long)w.Cols * batch, nameof(dx));
        }

        Gradients(
            w,
            CsrKernels.AlignedSource(x, (long)w.Cols * batch, batch, ref gradientScratch),
            CsrKernels.AlignedSource(dz, (long)w.Rows * batch, batch, ref dzScratch),
            dValues,
            db,
            dx,
            batch,
            path);
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
}
