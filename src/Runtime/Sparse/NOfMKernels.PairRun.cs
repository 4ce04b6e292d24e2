using System.Runtime.Intrinsics;

namespace SparseDsl.Sparse;

public static unsafe partial class NOfMKernels
{
    /// <summary>
    /// One run of pairs of one class (<see cref="NOfMPairMap"/>): the pairs' rows of dz (rows <c>batch</c> apart) and
    /// where their weights (dX) or their weights' gradients (dW) are stored in <c>values</c>.
    /// </summary>
    private readonly partial struct PairRun
    {
        private readonly int* rows;
        private readonly int* positions;
        private readonly int count;
        private readonly float* values;
        private readonly float* dz;
        private readonly int batch;

        public PairRun(int* rows, int* positions, int count, float* values, float* dz, int batch)
        {
            this.rows = rows;
            this.positions = positions;
            this.count = count;
            this.values = values;
            this.dz = dz;
            this.batch = batch;
        }

        /// <summary>
        /// dX's share of the run: first[0..width) += Σ v₀·dz[row]; second[0..width) += Σ v₁·dz[row], for first and second
        /// the rows of dx of the run's two inputs; a lone weight (first == second) has no v₁.
        /// </summary>
        public void AddTo(float* first, float* second, int width, VectorPath path)
        {
            if (first == second)
            {
                Lone(first, width, path);
                return;
            }

            int b = 0;
            if (path == VectorPath.Vector512)
            {
                if (width == BatchTile)
                {
                    Full(first, second);
                    return;
                }

                for (; b + 16 <= width; b += 16)
                {
                    Vector512<float> a = Vector512<float>.Zero, c = Vector512<float>.Zero;
                    for (int e = 0; e < count; e++)
                    {
                        float* v = values + positions[e];
                        Vector512<float> d = Vector512.Load(dz + (long)rows[e] * batch + b);
                        a = Vector512.FusedMultiplyAdd(Vector512.Create(v[0]), d, a);
                        c = Vector512.FusedMultiplyAdd(Vector512.Create(v[1]), d, c);
                    }

                    (Vector512.Load(first + b) + a).Store(first + b);
                    (Vector512.Load(second + b) + c).Store(second + b);
                }
            }

            for (; b < width; b++)
            {
                float a = 0f, c = 0f;
                for (int e = 0; e < count; e++)
                {
                    float* v = values + positions[e];
                    float d = dz[(long)rows[e] * batch + b];
                    a = MathF.FusedMultiplyAdd(v[0], d, a);
                    c = MathF.FusedMultiplyAdd(v[1], d, c);
                }

                first[b] += a;
                second[b] += c;
            }
        }

        /// <summary>The 128-wide tile: sixteen accumulators, each loaded dz vector feeding two FMAs.</summary>
        private void Full(float* first, float* second)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (int e = 0; e < count; e++)
            {
                float* v = values + positions[e];
                float* d = dz + (long)rows[e] * batch;
                Vector512<float> w0 = Vector512.Create(v[0]), w1 = Vector512.Create(v[1]);
                Vector512<float> d0 = Vector512.Load(d), d1 = Vector512.Load(d + 16), d2 = Vector512.Load(d + 32), d3 = Vector512.Load(d + 48);
                a0 = Vector512.FusedMultiplyAdd(w0, d0, a0); c0 = Vector512.FusedMultiplyAdd(w1, d0, c0);
                a1 = Vector512.FusedMultiplyAdd(w0, d1, a1); c1 = Vector512.FusedMultiplyAdd(w1, d1, c1);
                a2 = Vector512.FusedMultiplyAdd(w0, d2, a2); c2 = Vector512.FusedMultiplyAdd(w1, d2, c2);
                a3 = Vector512.FusedMultiplyAdd(w0, d3, a3); c3 = Vector512.FusedMultiplyAdd(w1, d3, c3);
                Vector512<float> d4 = Vector512.Load(d + 64), d5 = Vector512.Load(d + 80), d6 = Vector512.Load(d + 96), d7 = Vector512.Load(d + 112);
                a4 = Vector512.FusedMultiplyAdd(w0, d4, a4); c4 = Vector512.FusedMultiplyAdd(w1, d4, c4);
                a5 = Vector512.FusedMultiplyAdd(w0, d5, a5); c5 = Vector512.FusedMultiplyAdd(w1, d5, c5);
                a6 = Vector512.FusedMultiplyAdd(w0, d6, a6); c6 = Vector512.FusedMultiplyAdd(w1, d6, c6);
                a7 = Vector512.FusedMultiplyAdd(w0, d7, a7); c7 = Vector512.FusedMultiplyAdd(w1, d7, c7);
            }

            Add(first, a0, a1, a2, a3, a4, a5, a6, a7);
            Add(second, c0, c1, c2, c3, c4, c5, c6, c7);
        }

        /// <summary>A run of lone weights (N odd): one sum.</summary>
        private void Lone(float* first, int width, VectorPath path)
        {
            int b = 0;
            if (path == VectorPath.Vector512)
            {
                for (; b + 16 <= width; b += 16)
                {
                    Vector512<float> a = Vector512<float>.Zero;
                    for (int e = 0; e < count; e++)
                    {
                        a = Vector512.FusedMultiplyAdd(Vector512.Create(values[positions[e]]), Vector512.Load(dz + (long)rows[e] * batch + b), a);
                    }

                    (Vector512.Load(first + b) + a).Store(first + b);
                }
            }

            for (; b < width; b++)
            {
                float a = 0f;
                for (int e = 0; e < count; e++)
                {
                    a = MathF.FusedMultiplyAdd(values[positions[e]], dz[(long)rows[e] * batch + b], a);
                }

                first[b] += a;
            }
        }

        private static void Add(
            float* dst, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
            Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7)
        {
            (Vector512.Load(dst) + a0).Store(dst); (Vector512.Load(dst + 16) + a1).Store(dst + 16);
            (Vector512.Load(dst + 32) + a2).Store(dst + 32); (Vector512.Load(dst + 48) + a3).Store(dst + 48);
            (Vector512.Load(dst + 64) + a4).Store(dst + 64); (Vector512.Load(dst + 80) + a5).Store(dst + 80);
            (Vector512.Load(dst + 96) + a6).Store(dst + 96); (Vector512.Load(dst + 112) + a7).Store(dst + 112);
        }
    }
}
