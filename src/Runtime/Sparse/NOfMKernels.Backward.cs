using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

public static unsafe partial class NOfMKernels
{
    /// <summary>Pairs per chunk of a run: 32 rows of dz (16 KiB at batch 128) read by dW and again, from L1, by dX.</summary>
    private const int ChunkPairs = 32;

    /// <summary>Lane i ← lane 4i (i &lt; 4) or 4(i − 4) + 1 (i ≥ 4): the eight totals of <see cref="PairRun"/>'s four-pair tree in order.</summary>
    private static readonly Vector512<int> PairOrder = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 3, 6, 7, 10, 11, 14, 15);

    /// <summary>
    /// <c>dValues[k] = Σ_b dz[row(k),b]·x[col(k),b]</c>, <c>db[o] = Σ_b dz[o,b]</c> and, unless <paramref name="dx"/> is
    /// null, <c>dx[i,b] = Σ_{k reading input i} Values[k]·dz[row(k),b]</c>, by the pair runs of <see cref="NOfMPairMap"/>,
    /// groups split across cores (each core owns its groups' rows of dx and their weights' gradients). Each run is taken
    /// <see cref="ChunkPairs"/> pairs at a time: dW first (the run's two rows of x in registers, each pair's row of dz
    /// meeting both, four pairs' eight partial vectors reduced together in registers), then dX over the same rows of dz,
    /// now in L1 (each dz vector times both weights into two sums, added to dx once per chunk).
    /// </summary>
    private static void Gradients(
        NOfMFormat w, (float[] Array, int Offset) x, (float[] Array, int Offset) dz, float[] dValues, float[] db, float[]? dx, int batch, VectorPath path)
    {
        NOfMPairMap map = w.Pairs;
        int groups = w.Groups, rows = w.Rows, n = w.N, rowValues = w.RowValues, slabs = (rows + NOfMPairMap.SlabRows - 1) / NOfMPairMap.SlabRows;
        long groupStride = (long)w.M * batch;
        Workers.ForRange(groups, Chunks(groups, w.StoredValues, batch), (g0, g1) =>
        {
            fixed (int* pairRows = map.Rows, positions = map.Positions, segmentRuns = map.SegmentRuns, runEnds = map.RunEnds)
            fixed (ushort* runSlots = map.RunSlots)
            fixed (float* px0 = x.Array, pdz0 = dz.Array, pdv = dValues, pdx = dx, values = w.Values)
            {
                float* px = px0 + x.Offset, pdz = pdz0 + dz.Offset;
                if (pdx != null)
                {
                    new Span<float>(pdx + g0 * groupStride, (int)((g1 - g0) * groupStride)).Clear();
                }

                // db for the rows in the same share of the rows as this chunk's share of the groups.
                for (int r = (int)((long)rows * g0 / groups); r < (int)((long)rows * g1 / groups); r++)
                {
                    db[r] = DenseKernels.Sum(new ReadOnlySpan<float>(pdz + (long)r * batch, batch));
                }

                if (batch == 0)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        new Span<float>(pdv + (long)r * rowValues + g0 * n, (g1 - g0) * n).Clear();
                    }
                }

                for (int b = 0; b < batch; b += BatchTile)
                {
                    int width = Math.Min(BatchTile, batch - b);
                    for (int s = 0; s < slabs; s++)
                    {
                        for (int g = g0; g < g1; g++)
                        {
                            float* group = px + g * groupStride + b, dxGroup = pdx + g * groupStride + b;
                            for (int run = segmentRuns[s * groups + g]; run < segmentRuns[s * groups + g + 1]; run++)
                            {
                                int start = run == 0 ? 0 : runEnds[run - 1], end = runEnds[run];
                                long first = (runSlots[run] & 0xFF) * (long)batch, second = (runSlots[run] >> 8) * (long)batch;

                                // A chunk's rows of dz (16 KiB) are read for dW, then again from L1 for dX.
                                for (int c0 = start; c0 < end; c0 += ChunkPairs)
                                {
                                    int count = Math.Min(ChunkPairs, end - c0);
                                    new PairRun(pairRows + c0, positions + c0, count, pdv, pdz + b, batch).Gradient(group + first, group + second, accumulate: b > 0, width, path);
                                    if (pdx != null)
                                    {
                                        new PairRun(pairRows + c0, positions + c0, count, values, pdz + b, batch).AddTo(dxGroup + first, dxGroup + second, width, path);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    private readonly partial struct PairRun
    {
        /// <summary>
        /// Each pair's weights' gradients (stored where <c>values</c> holds them, here the gradient array): first
        /// (+)= Σ dz[row]·x₀, second (+)= Σ dz[row]·x₁ over b &lt; width, for <paramref name="x0"/> and
        /// <paramref name="x1"/> the run's two rows of x (equal for a lone weight, which has no second).
        /// </summary>
        public void Gradient(float* x0, float* x1, bool accumulate, int width, VectorPath path)
        {
            bool lone = x0 == x1;
            int e = 0;
            if (path == VectorPath.Vector512 && width == BatchTile && !lone)
            {
                FullFour(0, x0, x1, accumulate);
                e = count / 4 * 4;
            }

            for (; e < count; e++)
            {
                float* d = dz + (long)rows[e] * batch, g = values + positions[e];
                float first = BlockCsrKernels.Dot(d, x0, width, path);
                g[0] = accumulate ? g[0] + first : first;
                if (!lone)
                {
                    float second = BlockCsrKernels.Dot(d, x1, width, path);
                    g[1] = accumulate ? g[1] + second : second;
                }
            }
        }

        /// <summary>
        /// Four pairs of the 128-wide tile: the run's x rows in sixteen registers, each dz vector loaded once for two FMAs;
        /// the eight partial vectors reduced in registers (CSR's tree), each pair's two sums stored as one 64-bit pair.
        /// </summary>
        private void FullFour(int e0, float* x0, float* x1, bool accumulate)
        {
            Vector512<float> p0 = Vector512.Load(x0), p1 = Vector512.Load(x0 + 16), p2 = Vector512.Load(x0 + 32), p3 = Vector512.Load(x0 + 48);
            Vector512<float> p4 = Vector512.Load(x0 + 64), p5 = Vector512.Load(x0 + 80), p6 = Vector512.Load(x0 + 96), p7 = Vector512.Load(x0 + 112);
            Vector512<float> q0 = Vector512.Load(x1), q1 = Vector512.Load(x1 + 16), q2 = Vector512.Load(x1 + 32), q3 = Vector512.Load(x1 + 48);
            Vector512<float> q4 = Vector512.Load(x1 + 64), q5 = Vector512.Load(x1 + 80), q6 = Vector512.Load(x1 + 96), q7 = Vector512.Load(x1 + 112);
            for (; e0 + 4 <= count; e0 += 4)
            {
                (Vector512<float> a0, Vector512<float> c0) = TwoDots(dz + (long)rows[e0] * batch, p0, p1, p2, p3, p4, p5, p6, p7, q0, q1, q2, q3, q4, q5, q6, q7);
                (Vector512<float> a1, Vector512<float> c1) = TwoDots(dz + (long)rows[e0 + 1] * batch, p0, p1, p2, p3, p4, p5, p6, p7, q0, q1, q2, q3, q4, q5, q6, q7);
                (Vector512<float> a2, Vector512<float> c2) = TwoDots(dz + (long)rows[e0 + 2] * batch, p0, p1, p2, p3, p4, p5, p6, p7, q0, q1, q2, q3, q4, q5, q6, q7);
                (Vector512<float> a3, Vector512<float> c3) = TwoDots(dz + (long)rows[e0 + 3] * batch, p0, p1, p2, p3, p4, p5, p6, p7, q0, q1, q2, q3, q4, q5, q6, q7);

                // After Level4(t, t), lane 4i holds input i's total and lane 4i + 1 input 4 + i's; PairOrder puts input i in lane i.
                Vector512<float> t = CsrKernels.Level3(
                    CsrKernels.Level2(CsrKernels.Level1(a0, c0), CsrKernels.Level1(a1, c1)),
                    CsrKernels.Level2(CsrKernels.Level1(a2, c2), CsrKernels.Level1(a3, c3)));
                Vector256<float> sums = Avx512F.PermuteVar16x32(CsrKernels.Level4(t, t), PairOrder).GetLower();
                Vector128<float> low = sums.GetLower(), high = sums.GetUpper();
                float* g0 = values + positions[e0], g1 = values + positions[e0 + 1], g2 = values + positions[e0 + 2], g3 = values + positions[e0 + 3];
                if (accumulate)
                {
                    low += Sse.LoadHigh(Sse.LoadLow(Vector128<float>.Zero, g0), g1);
                    high += Sse.LoadHigh(Sse.LoadLow(Vector128<float>.Zero, g2), g3);
                }

                Sse.StoreLow(g0, low);
                Sse.StoreHigh(g1, low);
                Sse.StoreLow(g2, high);
                Sse.StoreHigh(g3, high);
            }
        }

        /// <summary>One row of dz (128 floats) against the run's two rows of x: two 16-lane partial sums.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector512<float> First, Vector512<float> Second) TwoDots(
            float* d,
            Vector512<float> p0, Vector512<float> p1, Vector512<float> p2, Vector512<float> p3,
            Vector512<float> p4, Vector512<float> p5, Vector512<float> p6, Vector512<float> p7,
            Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3,
            Vector512<float> q4, Vector512<float> q5, Vector512<float> q6, Vector512<float> q7)
        {
            Vector512<float> d0 = Vector512.Load(d), d1 = Vector512.Load(d + 16);
            Vector512<float> a0 = d0 * p0, a1 = d1 * p1, c0 = d0 * q0, c1 = d1 * q1;
            Vector512<float> d2 = Vector512.Load(d + 32), d3 = Vector512.Load(d + 48);
            a0 = Vector512.FusedMultiplyAdd(d2, p2, a0); a1 = Vector512.FusedMultiplyAdd(d3, p3, a1);
            c0 = Vector512.FusedMultiplyAdd(d2, q2, c0); c1 = Vector512.FusedMultiplyAdd(d3, q3, c1);
            Vector512<float> d4 = Vector512.Load(d + 64), d5 = Vector512.Load(d + 80);
            a0 = Vector512.FusedMultiplyAdd(d4, p4, a0); a1 = Vector512.FusedMultiplyAdd(d5, p5, a1);
            c0 = Vector512.FusedMultiplyAdd(d4, q4, c0); c1 = Vector512.FusedMultiplyAdd(d5, q5, c1);
            Vector512<float> d6 = Vector512.Load(d + 96), d7 = Vector512.Load(d + 112);
            a0 = Vector512.FusedMultiplyAdd(d6, p6, a0); a1 = Vector512.FusedMultiplyAdd(d7, p7, a1);
            c0 = Vector512.FusedMultiplyAdd(d6, q6, c0); c1 = Vector512.FusedMultiplyAdd(d7, q7, c1);
            return (a0 + a1, c0 + c1);
        }
    }
}
