using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>The Vector512 micro-kernels of the block product (<see cref="ProductBlock"/>); the Vector256 and scalar ones are beside it.</summary>
public static unsafe partial class BlockCsrKernels
{
    /// <summary>Rows [i0, i0+8) × batch [b, b+32): 16 accumulators; per depth step two loads of the slab and eight broadcast weights.</summary>
    private static void Rows8x32<TOp>(TOp op, Gather g, float* init, float* dst, int batch, int i0, int b)
        where TOp : struct, ITileOperand
    {
        int depth = op.Depth, rs = op.RowStride, ds = op.DepthStride, size = op.Size;
        long slab = (long)depth * batch;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (init == null)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        else
        {
            float* bias = init + i0;
            c00 = c01 = Vector512.Create(bias[0]);
            c10 = c11 = Vector512.Create(bias[1]);
            c20 = c21 = Vector512.Create(bias[2]);
            c30 = c31 = Vector512.Create(bias[3]);
            c40 = c41 = Vector512.Create(bias[4]);
            c50 = c51 = Vector512.Create(bias[5]);
            c60 = c61 = Vector512.Create(bias[6]);
            c70 = c71 = Vector512.Create(bias[7]);
        }

        for (int e = g.Start; e < g.End; e++)
        {
            float* a = g.Tile(e, size) + i0 * rs;
            float* s = g.Slab(e, slab) + b;
            for (int k = 0; k < depth; k++)
            {
                Vector512<float> x0 = Vector512.Load(s);
                Vector512<float> x1 = Vector512.Load(s + 16);
                Vector512<float> w = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(w, x0, c00); c01 = Vector512.FusedMultiplyAdd(w, x1, c01);
                w = Vector512.Create(a[rs]);
                c10 = Vector512.FusedMultiplyAdd(w, x0, c10); c11 = Vector512.FusedMultiplyAdd(w, x1, c11);
                w = Vector512.Create(a[2 * rs]);
                c20 = Vector512.FusedMultiplyAdd(w, x0, c20); c21 = Vector512.FusedMultiplyAdd(w, x1, c21);
                w = Vector512.Create(a[3 * rs]);
                c30 = Vector512.FusedMultiplyAdd(w, x0, c30); c31 = Vector512.FusedMultiplyAdd(w, x1, c31);
                w = Vector512.Create(a[4 * rs]);
                c40 = Vector512.FusedMultiplyAdd(w, x0, c40); c41 = Vector512.FusedMultiplyAdd(w, x1, c41);
                w = Vector512.Create(a[5 * rs]);
                c50 = Vector512.FusedMultiplyAdd(w, x0, c50); c51 = Vector512.FusedMultiplyAdd(w, x1, c51);
                w = Vector512.Create(a[6 * rs]);
                c60 = Vector512.FusedMultiplyAdd(w, x0, c60); c61 = Vector512.FusedMultiplyAdd(w, x1, c61);
                w = Vector512.Create(a[7 * rs]);
                c70 = Vector512.FusedMultiplyAdd(w, x0, c70); c71 = Vector512.FusedMultiplyAdd(w, x1, c71);
                a += ds;
                s += batch;
            }
        }

        float* d = dst + (long)i0 * batch + b;
        c00.Store(d); c01.Store(d + 16); d += batch;
        c10.Store(d); c11.Store(d + 16); d += batch;
        c20.Store(d); c21.Store(d + 16); d += batch;
        c30.Store(d); c31.Store(d + 16); d += batch;
        c40.Store(d); c41.Store(d + 16); d += batch;
        c50.Store(d); c51.Store(d + 16); d += batch;
        c60.Store(d); c61.Store(d + 16); d += batch;
        c70.Store(d); c71.Store(d + 16);
    }

    /// <summary>Rows [i0, i0+4) × batch [b, b+64): 16 accumulators; per depth step four loads and four broadcasts.</summary>
    private static void Rows4x64<TOp>(TOp op, Gather g, float* init, float* dst, int batch, int i0, int b)
        where TOp : struct, ITileOperand
    {
        int depth = op.Depth, rs = op.RowStride, ds = op.DepthStride, size = op.Size;
        long slab = (long)depth * batch;
        Vector512<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (init == null)
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = Vector512<float>.Zero;
            c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = Vector512<float>.Zero;
        }
        else
        {
            float* bias = init + i0;
            c00 = c01 = c02 = c03 = Vector512.Create(bias[0]);
            c10 = c11 = c12 = c13 = Vector512.Create(bias[1]);
            c20 = c21 = c22 = c23 = Vector512.Create(bias[2]);
            c30 = c31 = c32 = c33 = Vector512.Create(bias[3]);
        }

        for (int e = g.Start; e < g.End; e++)
        {
            float* a = g.Tile(e, size) + i0 * rs;
            float* s = g.Slab(e, slab) + b;
            for (int k = 0; k < depth; k++)
            {
                Vector512<float> x0 = Vector512.Load(s), x1 = Vector512.Load(s + 16);
                Vector512<float> x2 = Vector512.Load(s + 32), x3 = Vector512.Load(s + 48);
                Vector512<float> w = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(w, x0, c00); c01 = Vector512.FusedMultiplyAdd(w, x1, c01);
                c02 = Vector512.FusedMultiplyAdd(w, x2, c02); c03 = Vector512.FusedMultiplyAdd(w, x3, c03);
                w = Vector512.Create(a[rs]);
                c10 = Vector512.FusedMultiplyAdd(w, x0, c10); c11 = Vector512.FusedMultiplyAdd(w, x1, c11);
                c12 = Vector512.FusedMultiplyAdd(w, x2, c12); c13 = Vector512.FusedMultiplyAdd(w, x3, c13);
                w = Vector512.Create(a[2 * rs]);
                c20 = Vector512.FusedMultiplyAdd(w, x0, c20); c21 = Vector512.FusedMultiplyAdd(w, x1, c21);
                c22 = Vector512.FusedMultiplyAdd(w, x2, c22); c23 = Vector512.FusedMultiplyAdd(w, x3, c23);
                w = Vector512.Create(a[3 * rs]);
                c30 = Vector512.FusedMultiplyAdd(w, x0, c30); c31 = Vector512.FusedMultiplyAdd(w, x1, c31);
                c32 = Vector512.FusedMultiplyAdd(w, x2, c32); c33 = Vector512.FusedMultiplyAdd(w, x3, c33);
                a += ds;
                s += batch;
            }
        }

        float* d = dst + (long)i0 * batch + b;
        c00.Store(d); c01.Store(d + 16); c02.Store(d + 32); c03.Store(d + 48); d += batch;
        c10.Store(d); c11.Store(d + 16); c12.Store(d + 32); c13.Store(d + 48); d += batch;
        c20.Store(d); c21.Store(d + 16); c22.Store(d + 32); c23.Store(d + 48); d += batch;
        c30.Store(d); c31.Store(d + 16); c32.Store(d + 32); c33.Store(d + 48);
    }

    /// <summary>Row i × batch [b, b+16): the Vector512 remainder after the register-blocked steps.</summary>
    private static void Row1x16<TOp>(TOp op, Gather g, float* init, float* dst, int batch, int i, int b)
        where TOp : struct, ITileOperand
    {
        int depth = op.Depth, ds = op.DepthStride, size = op.Size;
        long slab = (long)depth * batch;
        Vector512<float> c0 = init == null ? Vector512<float>.Zero : Vector512.Create(init[i]);
        for (int e = g.Start; e < g.End; e++)
        {
            float* a = g.Tile(e, size) + i * op.RowStride;
            float* s = g.Slab(e, slab) + b;
            for (int k = 0; k < depth; k++)
            {
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), Vector512.Load(s), c0);
                a += ds;
                s += batch;
            }
        }

        c0.Store(dst + (long)i * batch + b);
    }
}
