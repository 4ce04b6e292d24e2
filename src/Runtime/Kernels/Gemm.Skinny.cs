using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Sparse;

namespace SparseDsl.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>
    /// Most rows of C for which a product skips packing. Packing copies all of B (k×n) for m·k·n FMAs, so for a few
    /// rows (a 10-class output layer: 1000×128 of x packed for 10 rows of y, in the forward and again in dW) the copy
    /// costs about what the product does; these rows read B where it lies instead.
    /// </summary>
    internal const int SkinnyMaxRows = 16;

    /// <summary>Rows of A (and C) one skinny tile covers: 4 rows × 4 vectors (NN) or 4 × 4 dot products (NT) = 16 accumulators.</summary>
    private const int SkinnyRows = 4;

    /// <summary>Whether <see cref="MultiplyCore"/> takes the skinny path: few rows, A as stored, and for NT whole 16-lane depth chunks.</summary>
    private static bool IsSkinny(bool transposeA, bool transposeB, int m, int k) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && !transposeA && m <= SkinnyMaxRows && (!transposeB || k % 16 == 0);

    /// <summary>The product for at most <see cref="SkinnyMaxRows"/> rows of C, without packing (A row-major m×k).</summary>
    private static void MultiplySkinny(
        bool transposeB, int m, int n, int k, float* a, float* b, float* c, bool accumulate, float* bias)
    {
        var job = new SkinnyJob { A = a, B = b, C = c, Bias = bias, M = m, N = n, K = k, Accumulate = accumulate };
        bool small = 2L * m * n * k < 1 << 20; // too small to pay for waking a second core
        if (transposeB)
        {
            // C[i, j] = Σ_p A[i, p]·Bᵀ[j, p]: blocks of 4 rows of Bᵀ (4 columns of C), split across cores.
            int blocks = (n + 3) / 4;
            Workers.ForRange(blocks, small ? 1 : Workers.Count, (q0, q1) => job.Nt(4 * q0, Math.Min(n, 4 * q1)));
        }
        else
        {
            // C[i, j] = Σ_p A[i, p]·B[p, j]: column bands of 64 (4 vectors), split across cores.
            int bands = (n + 63) / 64;
            Workers.ForRange(bands, small ? 1 : Workers.Count, (q0, q1) => job.Nn(64 * q0, Math.Min(n, 64 * q1)));
        }
    }

    /// <summary>One skinny product's pointers (pinned by the caller) and shapes.</summary>
    private struct SkinnyJob
    {
        internal float* A, B, C, Bias;
        internal int M, N, K;
        internal bool Accumulate;

        /// <summary>Columns [j0, j1) of C = A·B (B row-major k×n): 64 columns at a time, then 16, then one by one.</summary>
        internal readonly void Nn(int j0, int j1)
        {
            for (int i = 0; i < M; i += SkinnyRows)
            {
                int rows = Math.Min(SkinnyRows, M - i);
                int j = j0;
                for (; j + 64 <= j1; j += 64)
                {
                    Nn4x64(i, rows, j);
                }

                for (; j + 16 <= j1; j += 16)
                {
                    Nn4x16(i, rows, j);
                }

                for (; j < j1; j++)
                {
                    for (int r = i; r < i + rows; r++)
                    {
                        float sum = Start(r, C[(long)r * N + j]);
                        for (int p = 0; p < K; p++)
                        {
                            sum = MathF.FusedMultiplyAdd(A[(long)r * K + p], B[(long)p * N + j], sum);
                        }

                        C[(long)r * N + j] = sum;
                    }
                }
            }
        }

        /// <summary>
        /// Rows [i, i + rows) × columns [j, j + 64): per depth step, 4 vectors of B's row and A's 4 values broadcast. A
        /// block of fewer than 4 rows repeats its last row (the repeats are not stored).
        /// </summary>
        private readonly void Nn4x64(int i, int rows, int j)
        {
            float* a0 = RowOf(A, i, rows, 0, K), a1 = RowOf(A, i, rows, 1, K), a2 = RowOf(A, i, rows, 2, K), a3 = RowOf(A, i, rows, 3, K);
            Vector512<float> c00 = StartVector(i, j), c01 = StartVector(i, j + 16), c02 = StartVector(i, j + 32), c03 = StartVector(i, j + 48);
            Vector512<float> c10 = StartVector(i + 1, j, rows > 1), c11 = StartVector(i + 1, j + 16, rows > 1);
            Vector512<float> c12 = StartVector(i + 1, j + 32, rows > 1), c13 = StartVector(i + 1, j + 48, rows > 1);
            Vector512<float> c20 = StartVector(i + 2, j, rows > 2), c21 = StartVector(i + 2, j + 16, rows > 2);
            Vector512<float> c22 = StartVector(i + 2, j + 32, rows > 2), c23 = StartVector(i + 2, j + 48, rows > 2);
            Vector512<float> c30 = StartVector(i + 3, j, rows > 3), c31 = StartVector(i + 3, j + 16, rows > 3);
            Vector512<float> c32 = StartVector(i + 3, j + 32, rows > 3), c33 = StartVector(i + 3, j + 48, rows > 3);
            float* b = B + j;
            for (int p = 0; p < K; p++, b += N)
            {
                Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), b2 = Vector512.Load(b + 32), b3 = Vector512.Load(b + 48);
                Vector512<float> ai = Vector512.Create(a0[p]);
                c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
                c02 = Vector512.FusedMultiplyAdd(ai, b2, c02); c03 = Vector512.FusedMultiplyAdd(ai, b3, c03);
                ai = Vector512.Create(a1[p]);
                c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
                c12 = Vector512.FusedMultiplyAdd(ai, b2, c12); c13 = Vector512.FusedMultiplyAdd(ai, b3, c13);
                ai = Vector512.Create(a2[p]);
                c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
                c22 = Vector512.FusedMultiplyAdd(ai, b2, c22); c23 = Vector512.FusedMultiplyAdd(ai, b3, c23);
                ai = Vector512.Create(a3[p]);
                c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
                c32 = Vector512.FusedMultiplyAdd(ai, b2, c32); c33 = Vector512.FusedMultiplyAdd(ai, b3, c33);
            }

            float* c = C + (long)i * N + j;
            c00.Store(c); c01.Store(c + 16); c02.Store(c + 32); c03.Store(c + 48);
            if (rows > 1)
            {
                c += N;
                c10.Store(c); c11.Store(c + 16); c12.Store(c + 32); c13.Store(c + 48);
            }

            if (rows > 2)
            {
                c += N;
                c20.Store(c); c21.Store(c + 16); c22.Store(c + 32); c23.Store(c + 48);
            }

            if (rows > 3)
            {
                c += N;
                c30.Store(c); c31.Store(c + 16); c32.Store(c + 32); c33.Store(c + 48);
            }
        }

        /// <summary>Rows [i, i + rows) × columns [j, j + 16): the band's remainder, one vector per row.</summary>
        private readonly void Nn4x16(int i, int rows, int j)
        {
            float* a0 = RowOf(A, i, rows, 0, K), a1 = RowOf(A, i, rows, 1, K), a2 = RowOf(A, i, rows, 2, K), a3 = RowOf(A, i, rows, 3, K);
            Vector512<float> c0 = StartVector(i, j), c1 = StartVector(i + 1, j, rows > 1);
            Vector512<float> c2 = StartVector(i + 2, j, rows > 2), c3 = StartVector(i + 3, j, rows > 3);
            float* b = B + j;
            for (int p = 0; p < K; p++, b += N)
            {
                Vector512<float> bp = Vector512.Load(b);
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[p]), bp, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), bp, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), bp, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), bp, c3);
            }

            float* c = C + (long)i * N + j;
            c0.Store(c);
            if (rows > 1)
            {
                c1.Store(c + N);
            }

            if (rows > 2)
            {
                c2.Store(c + 2L * N);
            }

            if (rows > 3)
            {
                c3.Store(c + 3L * N);
            }
        }

        /// <summary>
        /// Columns [j0, j1) of C = A·Bᵀ (Bᵀ row-major n×k): 4 rows of Bᵀ against 4 rows of A at a time (Bᵀ is read once,
        /// A stays in L1), 16 lane-wise partial dot products reduced by CSR's shuffle tree into one vector whose 4-lane
        /// chunk r holds C[i + r, j..j + 4).
        /// </summary>
        internal readonly void Nt(int j0, int j1)
        {
            float* lanes = stackalloc float[16];
            for (int j = j0; j < j1; j += 4)
            {
                int cols = Math.Min(4, j1 - j);
                float* b0 = RowOf(B, j, cols, 0, K), b1 = RowOf(B, j, cols, 1, K), b2 = RowOf(B, j, cols, 2, K), b3 = RowOf(B, j, cols, 3, K);
                for (int i = 0; i < M; i += SkinnyRows)
                {
                    int rows = Math.Min(SkinnyRows, M - i);
                    float* a0 = RowOf(A, i, rows, 0, K), a1 = RowOf(A, i, rows, 1, K), a2 = RowOf(A, i, rows, 2, K), a3 = RowOf(A, i, rows, 3, K);
                    CsrKernels.Dots4x4(a0, a1, a2, a3, b0, b1, b2, b3, K).Store(lanes);
                    for (int r = 0; r < rows; r++)
                    {
                        float* c = C + (long)(i + r) * N + j;
                        for (int q = 0; q < cols; q++)
                        {
                            c[q] = Start(i + r, c[q]) + lanes[4 * r + q];
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Row <paramref name="first"/> + <paramref name="r"/> of a row-major matrix with rows <paramref name="stride"/>
        /// long, or its block's last row when the block of <paramref name="count"/> rows is shorter (a 4-row tile repeats
        /// its last row; the repeats are computed and not stored).
        /// </summary>
        private static float* RowOf(float* matrix, int first, int count, int r, int stride) =>
            matrix + ((long)(first + Math.Min(r, count - 1)) * stride);

        /// <summary>What row <paramref name="row"/> of C starts from: its old value, its bias, or zero.</summary>
        private readonly float Start(int row, float old) => Accumulate ? old : Bias != null ? Bias[row] : 0f;

        /// <summary><see cref="Start"/> for 16 columns; a row past the block's end (<paramref name="live"/> false) starts at zero.</summary>
        private readonly Vector512<float> StartVector(int row, int j, bool live = true) =>
            !live ? Vector512<float>.Zero
            : Accumulate ? Vector512.Load(C + (long)row * N + j)
            : Bias != null ? Vector512.Create(Bias[row])
            : Vector512<float>.Zero;
    }
}
