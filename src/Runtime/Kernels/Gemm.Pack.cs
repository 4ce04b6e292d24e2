using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparseDsl.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>
    /// Packs A's micro-panel <paramref name="r"/> over depths [p0, p0 + kc):
    /// <c>dst[(p − p0)*MR + ii] = op(A)[r*MR + ii, p]</c>, rows past M zero.
    /// </summary>
    private static void PackA(float* a, bool transposed, int m, int k, int r, int p0, int kc, float* dst)
    {
        int mr = MR;
        int row0 = r * mr;
        int rows = Math.Min(mr, m - row0);
        int p = 0;
        if (!transposed)
        {
            // A is m×k row-major: an 8×8 block of rows × depth is transposed into 8 depth steps of 8 rows.
            float* src = a + (long)row0 * k + p0;
            if (rows == 8 && mr == 8 && Avx.IsSupported)
            {
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8(src + p, k, dst + (long)p * 8, 8);
                }
            }

            for (; p < kc; p++)
            {
                float* d = dst + (long)p * mr;
                for (int ii = 0; ii < mr; ii++)
                {
                    d[ii] = ii < rows ? src[(long)ii * k + p] : 0f;
                }
            }
        }
        else
        {
            // Aᵀ is k×m row-major: the MR values of depth p are contiguous.
            float* src = a + (long)p0 * m + row0;
            if (rows == 8 && mr == 8)
            {
                for (; p < kc; p++)
                {
                    Vector256.Store(Vector256.Load(src + (long)p * m), dst + (long)p * 8);
                }
            }

            for (; p < kc; p++)
            {
                float* s = src + (long)p * m;
                float* d = dst + (long)p * mr;
                for (int ii = 0; ii < mr; ii++)
                {
                    d[ii] = ii < rows ? s[ii] : 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs B's micro-panel <paramref name="q"/> over the full depth: <c>dst[p*NR + jj] = op(B)[p, q*NR + jj]</c>,
    /// columns past N zero.
    /// </summary>
    private static void PackB(float* b, bool transposed, int n, int k, int q, float* dst)
    {
        int nr = NR;
        int col0 = q * nr;
        int cols = Math.Min(nr, n - col0);
        int p = 0;
        if (!transposed)
        {
            // B is k×n row-major: the NR values of depth p are contiguous.
            if (cols == 32 && nr == 32)
            {
                for (; p < k; p++)
                {
                    float* src = b + (long)p * n + col0;
                    float* d = dst + (long)p * 32;
                    Vector512.Store(Vector512.Load(src), d);
                    Vector512.Store(Vector512.Load(src + 16), d + 16);
                }
            }

            for (; p < k; p++)
            {
                float* src = b + (long)p * n + col0;
                float* d = dst + (long)p * nr;
                for (int jj = 0; jj < nr; jj++)
                {
                    d[jj] = jj < cols ? src[jj] : 0f;
                }
            }
        }
        else
        {
            // Bᵀ is n×k row-major: 8 columns × 8 depth steps at a time are transposed.
            if (cols == 32 && nr == 32 && Avx.IsSupported)
            {
                for (; p + 8 <= k; p += 8)
                {
                    for (int jj = 0; jj < 32; jj += 8)
                    {
                        Transpose8x8(b + (long)(col0 + jj) * k + p, k, dst + (long)p * 32 + jj, 32);
                    }
                }
            }

            for (; p < k; p++)
            {
                float* d = dst + (long)p * nr;
                for (int jj = 0; jj < nr; jj++)
                {
                    d[jj] = jj < cols ? b[(long)(col0 + jj) * k + p] : 0f;
                }
            }
        }
    }

    /// <summary><c>dst[j*dstStride + i] = src[i*srcStride + j]</c> for i, j in [0, 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int srcStride, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2L * srcStride);
        Vector256<float> r3 = Avx.LoadVector256(src + 3L * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4L * srcStride);
        Vector256<float> r5 = Avx.LoadVector256(src + 5L * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6L * srcStride);
        Vector256<float> r7 = Avx.LoadVector256(src + 7L * srcStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2L * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3L * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4L * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5L * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6L * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7L * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
