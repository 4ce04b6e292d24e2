using System.Runtime.Intrinsics;

namespace SparseDsl.Sparse;

public static unsafe partial class NOfMKernels
{
    /// <summary>
    /// The forward of one row over one slab of groups [g0, g1): the row's entries there are <c>o·RowValues + g0·N ..</c>,
    /// and entry k of group g reads x row <c>g·M + Slots[k]</c>.
    /// </summary>
    /// <param name="w">The format walked.</param>
    /// <param name="values">Its values, pinned.</param>
    /// <param name="slots">Its slots, pinned.</param>
    /// <param name="batch">Batch size (the row length of x).</param>
    private readonly struct Walk(NOfMFormat w, float* values, byte* slots, int batch)
    {
        private readonly int n = w.N;
        private readonly int rowValues = w.RowValues;
        private readonly long rowStride = batch;
        private readonly long groupStride = (long)w.M * batch;

        /// <summary>
        /// <see cref="ForwardRow"/> for rows <paramref name="row"/> and row + 1 of the 128-wide tile at once (dst and
        /// dst + batch): sixteen accumulators, two independent FMA chains per activation vector position.
        /// </summary>
        public void ForwardTwoRows(int row, int g0, int g1, float* xb, float* dst, float? init0, float? init1)
        {
            int start = row * rowValues + g0 * n, count = (g1 - g0) * n;
            float* xs = xb + g0 * groupStride;
            float* v = values + start;
            byte* sl = slots + start;
            float* dst1 = dst + rowStride;
            Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7, c0, c1, c2, c3, c4, c5, c6, c7;
            if (init0 is { } bias0)
            {
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512.Create(bias0);
            }
            else
            {
                a0 = Vector512.Load(dst); a1 = Vector512.Load(dst + 16); a2 = Vector512.Load(dst + 32); a3 = Vector512.Load(dst + 48);
                a4 = Vector512.Load(dst + 64); a5 = Vector512.Load(dst + 80); a6 = Vector512.Load(dst + 96); a7 = Vector512.Load(dst + 112);
            }

            if (init1 is { } bias1)
            {
                c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = Vector512.Create(bias1);
            }
            else
            {
                c0 = Vector512.Load(dst1); c1 = Vector512.Load(dst1 + 16); c2 = Vector512.Load(dst1 + 32); c3 = Vector512.Load(dst1 + 48);
                c4 = Vector512.Load(dst1 + 64); c5 = Vector512.Load(dst1 + 80); c6 = Vector512.Load(dst1 + 96); c7 = Vector512.Load(dst1 + 112);
            }

            // Entry k reads x row (k / N)·M + Slots[k] of the slab: one group of N weights after another, no division.
            float* gx = xs;
            for (int k = 0; k < count; gx += groupStride)
            {
                for (int e = 0; e < n; e++, k++)
                {
                    Vector512<float> wa = Vector512.Create(v[k]), wc = Vector512.Create(v[k + rowValues]);
                    float* sa = gx + sl[k] * rowStride, sc = gx + sl[k + rowValues] * rowStride;
                    a0 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa), a0); c0 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc), c0);
                    a1 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 16), a1); c1 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 16), c1);
                    a2 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 32), a2); c2 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 32), c2);
                    a3 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 48), a3); c3 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 48), c3);
                    a4 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 64), a4); c4 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 64), c4);
                    a5 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 80), a5); c5 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 80), c5);
                    a6 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 96), a6); c6 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 96), c6);
                    a7 = Vector512.FusedMultiplyAdd(wa, Vector512.Load(sa + 112), a7); c7 = Vector512.FusedMultiplyAdd(wc, Vector512.Load(sc + 112), c7);
                }
            }

            a0.Store(dst); a1.Store(dst + 16); a2.Store(dst + 32); a3.Store(dst + 48);
            a4.Store(dst + 64); a5.Store(dst + 80); a6.Store(dst + 96); a7.Store(dst + 112);
            c0.Store(dst1); c1.Store(dst1 + 16); c2.Store(dst1 + 32); c3.Store(dst1 + 48);
            c4.Store(dst1 + 64); c5.Store(dst1 + 80); c6.Store(dst1 + 96); c7.Store(dst1 + 112);
        }

        /// <summary>
        /// dst[0..width) = (init ?? dst) + Σ_{entries k in the slab} values[k]·x[col(k), 0..width), 16 columns at a time:
        /// the rows that <see cref="ForwardTwoRows"/> does not take (an odd last row, tiles narrower than 128).
        /// </summary>
        public void ForwardRow(int row, int g0, int g1, float* xb, float* dst, float? init, int width, VectorPath path)
        {
            int start = row * rowValues + g0 * n, count = (g1 - g0) * n;
            float* xs = xb + g0 * groupStride;
            float* v = values + start;
            byte* sl = slots + start;
            int b = 0;
            if (path == VectorPath.Vector512)
            {
                for (; b + 16 <= width; b += 16)
                {
                    Vector512<float> a = init is { } bias ? Vector512.Create(bias) : Vector512.Load(dst + b);
                    float* gx = xs + b;
                    for (int k = 0; k < count; gx += groupStride)
                    {
                        for (int e = 0; e < n; e++, k++)
                        {
                            a = Vector512.FusedMultiplyAdd(Vector512.Create(v[k]), Vector512.Load(gx + sl[k] * rowStride), a);
                        }
                    }

                    a.Store(dst + b);
                }
            }

            for (; b < width; b++)
            {
                float acc = init ?? dst[b];
                float* gx = xs + b;
                for (int k = 0; k < count; gx += groupStride)
                {
                    for (int e = 0; e < n; e++, k++)
                    {
                        acc = MathF.FusedMultiplyAdd(v[k], gx[sl[k] * rowStride], acc);
                    }
                }

                dst[b] = acc;
            }
        }
    }
}
