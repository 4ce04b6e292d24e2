using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// The CSR dX as of c1e3815, kept in the bench so that <c>-- csr</c> can time it side by side with the row-wise
/// scatter that replaced it: a gather column by column over a transpose map (<see cref="CsrTransposeMap"/>, which the
/// matrix held then: 8 bytes per active weight), each value read through its position, the source row four entries
/// ahead prefetched, from a 64-byte-aligned copy of a misaligned dy.
/// </summary>
internal static unsafe class CsrBaseline
{
    private const int PrefetchAhead = 4;

    [ThreadStatic] private static float[]? gatherScratch;

    /// <summary>dX only, into <paramref name="dx"/> (overwritten); <paramref name="map"/> is <paramref name="w"/>'s transpose.</summary>
    internal static void InputGradient(CsrMatrix w, CsrTransposeMap map, float[] dy, float[] dx, int batch)
    {
        var (src, offset) = AlignedSource(dy, (long)w.Rows * batch, batch);
        int[] ptr = map.Ptr, index = map.Rows, positions = map.Positions;
        float[] values = w.Values;
        int rows = w.Cols, nnz = w.Nnz;
        Workers.ForRange(rows, (long)nnz * batch < 1 << 15 ? 1 : Math.Min(rows, 8 * Workers.Count), (r0, r1) =>
        {
            fixed (int* pp = ptr, pi = index, pos = positions)
            fixed (float* pv = values, src0 = src, pd = dx)
            {
                for (int r = r0; r < r1; r++)
                {
                    GatherRow(pp[r], pp[r + 1], nnz - 1, pi, pv, pos, src0 + offset, pd + (long)r * batch, batch);
                }
            }
        });
    }

    private static void GatherRow(int start, int end, int last, int* index, float* values, int* positions, float* src, float* dst, int batch)
    {
        int b = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; b + 128 <= batch; b += 128)
            {
                Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7;
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512<float>.Zero;
                for (int k = start; k < end; k++)
                {
                    if (Sse.IsSupported)
                    {
                        byte* row = (byte*)(src + (long)index[Math.Min(k + PrefetchAhead, last)] * batch + b);
                        Sse.Prefetch0(row);
                        Sse.Prefetch0(row + 64);
                        Sse.Prefetch0(row + 128);
                        Sse.Prefetch0(row + 192);
                        Sse.Prefetch0(row + 256);
                        Sse.Prefetch0(row + 320);
                        Sse.Prefetch0(row + 384);
                        Sse.Prefetch0(row + 448);
                    }

                    Vector512<float> v = Vector512.Create(values[positions[k]]);
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
                Vector512<float> a0 = Vector512<float>.Zero;
                for (int k = start; k < end; k++)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(values[positions[k]]), Vector512.Load(src + (long)index[k] * batch + b), a0);
                }

                a0.Store(dst + b);
            }
        }

        for (; b < batch; b++)
        {
            float acc = 0f;
            for (int k = start; k < end; k++)
            {
                acc = MathF.FusedMultiplyAdd(values[positions[k]], src[(long)index[k] * batch + b], acc);
            }

            dst[b] = acc;
        }
    }

    /// <summary>dy itself when it starts on a 64-byte boundary (or cannot be aligned row by row), else an aligned copy.</summary>
    private static (float[] Array, int Offset) AlignedSource(float[] src, long elements, int batch)
    {
        if (!Vector512.IsHardwareAccelerated || batch % 16 != 0 || elements < 4096 || elements > Array.MaxLength - 16)
        {
            return (src, 0);
        }

        int length = (int)elements;
        fixed (float* ps = src)
        {
            if ((nuint)ps % 64 == 0)
            {
                return (src, 0);
            }

            if (gatherScratch is null || gatherScratch.Length < length + 16)
            {
                gatherScratch = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
            }

            nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(gatherScratch));
            int offset = (int)(((64 - start % 64) % 64) / sizeof(float));
            float[] copy = gatherScratch;
            Workers.ForRange(length, Workers.Count, (s, e) => src.AsSpan(s, e - s).CopyTo(copy.AsSpan(offset + s, e - s)));
            return (copy, offset);
        }
    }
}
