using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparseDsl.Sparse;

public static unsafe partial class NOfMKernels
{
    /// <summary>
    /// The forward and dW of one row over one slab of groups [g0, g1): the row's entries there are
    /// <c>o·RowValues + g0·N ..</c>, and entry j of group g reads x row <c>g·M + Slots[k]</c>.
    /// </summary>
    /// <param name="w">The format walked.</param>
    /// <param name="values">Its values, pinned.</param>
    /// <param name="slots">Its slots, pinned.</param>
    /// <param name="offsets">Scratch of <see cref="OffsetCapacity"/> entries, pinned by the caller.</param>
    /// <param name="batch">Batch size (the row length of x).</param>
    private readonly struct Walk(NOfMFormat w, float* values, byte* slots, long* offsets, int batch)
    {
        private readonly int n = w.N;
        private readonly int rowValues = w.RowValues;
        private readonly long rowStride = batch;
        private readonly long groupStride = (long)w.M * batch;

        /// <summary>Entries of one slab, at most: max(BlockInputs / M, 1) groups of N.</summary>
        public static int OffsetCapacity(NOfMFormat w) => Math.Max(BlockInputs / w.M, 1) * w.N;

        /// <summary>dst[0..width) = (init ?? dst) + Σ_{entries k in the slab} values[k]·x[col(k), 0..width).</summary>
        public void ForwardRow(int row, int g0, int g1, float* xb, float* dst, float? init, int width, VectorPath path)
        {
            int start = row * rowValues + g0 * n, count = Offsets(start, g0, g1);
            float* xs = xb + g0 * groupStride;
            float* v = values + start;
            long* o = offsets;
            int b = 0;
            if (path == VectorPath.Vector512)
            {
                if (width == BatchTile)
                {
                    Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7;
                    if (init is { } bias)
                    {
                        a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512.Create(bias);
                    }
                    else
                    {
                        a0 = Vector512.Load(dst); a1 = Vector512.Load(dst + 16); a2 = Vector512.Load(dst + 32); a3 = Vector512.Load(dst + 48);
                        a4 = Vector512.Load(dst + 64); a5 = Vector512.Load(dst + 80); a6 = Vector512.Load(dst + 96); a7 = Vector512.Load(dst + 112);
                    }

                    for (int k = 0; k < count; k++)
                    {
                        Vector512<float> wk = Vector512.Create(v[k]);
                        float* s = xs + o[k];
                        a0 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s), a0);
                        a1 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 16), a1);
                        a2 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 32), a2);
                        a3 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 48), a3);
                        a4 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 64), a4);
                        a5 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 80), a5);
                        a6 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 96), a6);
                        a7 = Vector512.FusedMultiplyAdd(wk, Vector512.Load(s + 112), a7);
                    }

                    a0.Store(dst); a1.Store(dst + 16); a2.Store(dst + 32); a3.Store(dst + 48);
                    a4.Store(dst + 64); a5.Store(dst + 80); a6.Store(dst + 96); a7.Store(dst + 112);
                    return;
                }

                for (; b + 16 <= width; b += 16)
                {
                    Vector512<float> a = init is { } bias ? Vector512.Create(bias) : Vector512.Load(dst + b);
                    for (int k = 0; k < count; k++)
                    {
                        a = Vector512.FusedMultiplyAdd(Vector512.Create(v[k]), Vector512.Load(xs + o[k] + b), a);
                    }

                    a.Store(dst + b);
                }
            }

            for (; b < width; b++)
            {
                float acc = init ?? dst[b];
                for (int k = 0; k < count; k++)
                {
                    acc = MathF.FusedMultiplyAdd(v[k], xs[o[k] + b], acc);
                }

                dst[b] = acc;
            }
        }

        /// <summary>dValues[k] (+)= Σ_{b &lt; width} g[b]·x[col(k), b] for the row's entries in the slab.</summary>
        public void GradientRow(int row, int g0, int g1, float* xb, float* g, float* dValues, bool accumulate, int width, VectorPath path)
        {
            int start = row * rowValues + g0 * n, count = Offsets(start, g0, g1);
            float* xs = xb + g0 * groupStride;
            float* dv = dValues + start;
            long* o = offsets;
            int k = 0;
            if (path == VectorPath.Vector512 && width == BatchTile)
            {
                Vector512<float> g0v = Vector512.Load(g), g1v = Vector512.Load(g + 16), g2v = Vector512.Load(g + 32), g3v = Vector512.Load(g + 48);
                Vector512<float> g4v = Vector512.Load(g + 64), g5v = Vector512.Load(g + 80), g6v = Vector512.Load(g + 96), g7v = Vector512.Load(g + 112);

                // Sixteen entries at a time: sixteen 16-lane partial products reduced together by CSR's transposing tree.
                for (; k + 16 <= count; k += 16)
                {
                    long* c = o + k;
                    Vector512<float> s0 = CsrKernels.Level2(
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[0], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[1], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)),
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[2], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[3], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)));
                    Vector512<float> s1 = CsrKernels.Level2(
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[4], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[5], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)),
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[6], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[7], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)));
                    Vector512<float> t0 = CsrKernels.Level3(s0, s1);
                    Vector512<float> s2 = CsrKernels.Level2(
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[8], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[9], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)),
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[10], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[11], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)));
                    Vector512<float> s3 = CsrKernels.Level2(
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[12], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[13], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)),
                        CsrKernels.Level1(CsrKernels.Dot(xs + c[14], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v), CsrKernels.Dot(xs + c[15], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v)));
                    Vector512<float> t1 = CsrKernels.Level3(s2, s3);
                    Vector512<float> sums = Avx512F.PermuteVar16x32(CsrKernels.Level4(t0, t1), CsrKernels.ReduceOrder);
                    if (accumulate)
                    {
                        sums += Vector512.Load(dv + k);
                    }

                    sums.Store(dv + k);
                }

                for (; k < count; k++)
                {
                    float sum = Vector512.Sum(CsrKernels.Dot(xs + o[k], g0v, g1v, g2v, g3v, g4v, g5v, g6v, g7v));
                    dv[k] = accumulate ? dv[k] + sum : sum;
                }

                return;
            }

            for (; k < count; k++)
            {
                float* s = xs + o[k];
                int b = 0;
                float sum = 0f;
                if (path == VectorPath.Vector512)
                {
                    Vector512<float> a = Vector512<float>.Zero;
                    for (; b + 16 <= width; b += 16)
                    {
                        a = Vector512.FusedMultiplyAdd(Vector512.Load(g + b), Vector512.Load(s + b), a);
                    }

                    sum = Vector512.Sum(a);
                }

                for (; b < width; b++)
                {
                    sum = MathF.FusedMultiplyAdd(g[b], s[b], sum);
                }

                dv[k] = accumulate ? dv[k] + sum : sum;
            }
        }

        /// <summary>
        /// Fills the offsets (in floats, from the slab's first x row) of the entries of groups [g0, g1) of the row whose
        /// slab starts at entry <paramref name="start"/>; returns their count.
        /// </summary>
        private int Offsets(int start, int g0, int g1)
        {
            int count = (g1 - g0) * n;
            byte* s = slots + start;
            long group = 0;
            for (int k = 0; k < count; group += groupStride)
            {
                for (int e = 0; e < n; e++, k++)
                {
                    offsets[k] = group + s[k] * rowStride;
                }
            }

            return count;
        }
    }
}
