using System.Runtime.Intrinsics;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// The CSR gather as of 517afb8 (no prefetch; dX gathers the values into transpose order first), kept in the bench so
/// that <c>-- csr</c> can time it side by side with the current kernels in one process.
/// </summary>
internal static unsafe class CsrBaseline
{
    internal static void Forward(CsrMatrix w, float[] bias, float[] x, float[] y, int batch) =>
        GatherRows(w.RowPtr, w.ColIdx, w.Values, bias, x, y, w.Rows, batch, w.Nnz);

    /// <summary>dX only, into <paramref name="dx"/>; <paramref name="scratch"/> has nnz entries.</summary>
    internal static void InputGradient(CsrMatrix w, float[] dy, float[] dx, float[] scratch, int batch) =>
        GatherRows(w.TransposePtr, w.TransposeRows, w.Values, null, dy, dx, w.Cols, batch, w.Nnz, w.TransposePositions, scratch);

    private static void GatherRows(
        int[] ptr, int[] index, float[] values, float[]? bias, float[] src, float[] dst, int rows, int batch, int nnz,
        int[]? positions = null, float[]? scratch = null)
    {
        SparseDsl.Kernels.Workers.ForRange(rows, (long)nnz * batch < 1 << 15 ? 1 : Math.Min(rows, 8 * SparseDsl.Kernels.Workers.Count), (r0, r1) =>
        {
            if (positions is not null)
            {
                for (int j = ptr[r0]; j < ptr[r1]; j++)
                {
                    scratch![j] = values[positions[j]];
                }
            }

            fixed (int* pp = ptr, pi = index)
            fixed (float* pv = positions is null ? values : scratch, ps = src, pd = dst)
            {
                for (int r = r0; r < r1; r++)
                {
                    GatherRow(pp[r], pp[r + 1], pi, pv, ps, pd + (long)r * batch, bias is null ? 0f : bias[r], batch);
                }
            }
        });
    }

    private static void GatherRow(int start, int end, int* index, float* values, float* src, float* dst, float init, int batch)
    {
        int b = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; b + 128 <= batch; b += 128)
            {
                Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7;
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512.Create(init);
                for (int k = start; k < end; k++)
                {
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

}
