using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

public static unsafe partial class Gemm
{
    private const int ModeZero = 0, ModeLoad = 1, ModeBias = 2;

    /// <summary>
    /// One full MR×NR tile of C: <c>C_tile (=|+=) Σ_p a[p, 0..MR) ⊗ b[p, 0..NR)</c> over a packed A micro-panel
    /// (MR values per depth step) and a packed B micro-panel (NR values per depth step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(float* a, float* b, int kc, float* c, int ldc, int mode, float* bias)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Kernel8x32(a, b, kc, c, ldc, mode, bias);
        }
        else
        {
            Kernel4x16(a, b, kc, c, ldc, mode, bias);
        }
    }

    /// <summary>A partial tile at the right or bottom edge of C, computed in a full-size scratch tile.</summary>
    private static void EdgeTile(float* a, float* b, int kc, float* c, int ldc, int rows, int cols, int mode, float* bias)
    {
        int mr = MR, nr = NR;
        float* tile = stackalloc float[mr * nr];
        for (int i = 0; i < mr; i++)
        {
            for (int j = 0; j < nr; j++)
            {
                tile[i * nr + j] = i >= rows || j >= cols ? 0f
                    : mode == ModeLoad ? c[(long)i * ldc + j]
                    : mode == ModeBias ? bias[i]
                    : 0f;
            }
        }

        MicroKernel(a, b, kc, tile, nr, ModeLoad, null);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                c[(long)i * ldc + j] = tile[i * nr + j];
            }
        }
    }

    /// <summary>8 rows × 32 columns (two 16-lane vectors): 16 accumulators, FMA, broadcast A, vector B.</summary>
    internal static void Kernel8x32(float* a, float* b, int kc, float* c, int ldc, int mode, float* bias)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        float* c0 = c, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        if (mode == ModeLoad)
        {
            c00 = Vector512.Load(c0); c01 = Vector512.Load(c0 + 16);
            c10 = Vector512.Load(c1); c11 = Vector512.Load(c1 + 16);
            c20 = Vector512.Load(c2); c21 = Vector512.Load(c2 + 16);
            c30 = Vector512.Load(c3); c31 = Vector512.Load(c3 + 16);
            c40 = Vector512.Load(c4); c41 = Vector512.Load(c4 + 16);
            c50 = Vector512.Load(c5); c51 = Vector512.Load(c5 + 16);
            c60 = Vector512.Load(c6); c61 = Vector512.Load(c6 + 16);
            c70 = Vector512.Load(c7); c71 = Vector512.Load(c7 + 16);
        }
        else if (mode == ModeBias)
        {
            c00 = c01 = Vector512.Create(bias[0]);
            c10 = c11 = Vector512.Create(bias[1]);
            c20 = c21 = Vector512.Create(bias[2]);
            c30 = c31 = Vector512.Create(bias[3]);
            c40 = c41 = Vector512.Create(bias[4]);
            c50 = c51 = Vector512.Create(bias[5]);
            c60 = c61 = Vector512.Create(bias[6]);
            c70 = c71 = Vector512.Create(bias[7]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            a += 8;
            b += 32;
        }

        c00.Store(c0); c01.Store(c0 + 16);
        c10.Store(c1); c11.Store(c1 + 16);
        c20.Store(c2); c21.Store(c2 + 16);
        c30.Store(c3); c31.Store(c3 + 16);
        c40.Store(c4); c41.Store(c4 + 16);
        c50.Store(c5); c51.Store(c5 + 16);
        c60.Store(c6); c61.Store(c6 + 16);
        c70.Store(c7); c71.Store(c7 + 16);
    }

    /// <summary>4 rows × 16 columns (two 8-lane vectors): the fallback where 512-bit vectors are not accelerated.</summary>
    private static void Kernel4x16(float* a, float* b, int kc, float* c, int ldc, int mode, float* bias)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        float* c0 = c, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        if (mode == ModeLoad)
        {
            c00 = Vector256.Load(c0); c01 = Vector256.Load(c0 + 8);
            c10 = Vector256.Load(c1); c11 = Vector256.Load(c1 + 8);
            c20 = Vector256.Load(c2); c21 = Vector256.Load(c2 + 8);
            c30 = Vector256.Load(c3); c31 = Vector256.Load(c3 + 8);
        }
        else if (mode == ModeBias)
        {
            c00 = c01 = Vector256.Create(bias[0]);
            c10 = c11 = Vector256.Create(bias[1]);
            c20 = c21 = Vector256.Create(bias[2]);
            c30 = c31 = Vector256.Create(bias[3]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00); c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10); c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20); c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30); c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            a += 4;
            b += 16;
        }

        c00.Store(c0); c01.Store(c0 + 8);
        c10.Store(c1); c11.Store(c1 + 8);
        c20.Store(c2); c21.Store(c2 + 8);
        c30.Store(c3); c31.Store(c3 + 8);
    }
}
