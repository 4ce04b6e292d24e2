using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparseDsl.Sparse;

public static unsafe partial class CsrKernels
{
    /// <summary>
    /// How far (in floats, 0–14) the rows of <paramref name="src"/> start past a 64-byte boundary, when the shifted gather
    /// applies: 512-bit vectors, and whole 16-float lines per row (batch a multiple of 16), so that every row of the
    /// source shares its array's offset. 0 where it does not apply or the rows are aligned.
    /// </summary>
    private static int ShiftOf(float* src, int batch) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && batch % 16 == 0 && batch >= 128
            ? (int)((nuint)src % 64 / sizeof(float))
            : 0;

    /// <summary>
    /// The 128-wide forward gather of one row for a source whose rows start <paramref name="shift"/> floats past a
    /// 64-byte boundary. A .NET array's data is only 8-byte aligned, and the plain gather's 512-bit loads of such rows
    /// each straddle two cache lines (on Zen 5 the 1000→1000 forward on misaligned rows took 1.18–1.20× the time on
    /// aligned ones, 1.10–1.12× with this gather; minimum and quartile of 400 interleaved calls). Here each weight reads
    /// its row in the lines' own frame: nine aligned loads (the first and last masked to the row, so nothing outside it
    /// is touched) into nine accumulators, one more FMA than the eight of an aligned row; at the row's end the
    /// accumulators are shifted back into place by one two-source permute per output vector.
    /// </summary>
    private static void GatherRowShifted(int start, int end, int last, int* index, float* values, float* src, float* dst, float init, int batch, int shift)
    {
        // Frame lane i of the first line is row element i − shift: the first load keeps lanes ≥ shift, the last lanes < shift.
        Vector512<int> lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector512<float> head = Vector512.GreaterThanOrEqual(lanes, Vector512.Create(shift)).AsSingle();
        Vector512<float> tail = Vector512.LessThan(lanes, Vector512.Create(shift)).AsSingle();
        Vector512<int> realign = lanes + Vector512.Create(shift); // output lane i = frame lane i + shift of (a_j, a_j+1)
        for (int b = 0; b + 128 <= batch; b += 128)
        {
            Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7, a8;
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = Vector512.Create(init);
            for (int k = start; k < end; k++)
            {
                if (Sse.IsSupported)
                {
                    float* ahead = src + (long)index[Math.Min(k + PrefetchAhead, last)] * batch + b - shift;
                    PrefetchRow((byte*)ahead);
                    Sse.Prefetch0(ahead + 128);
                }

                Vector512<float> v = Vector512.Create(values[k]);
                float* s = src + (long)index[k] * batch + b - shift; // 64-byte aligned
                a0 = Vector512.FusedMultiplyAdd(v, Avx512F.MaskLoad(s, head, Vector512<float>.Zero), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 48), a3);
                a4 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 64), a4);
                a5 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 80), a5);
                a6 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 96), a6);
                a7 = Vector512.FusedMultiplyAdd(v, Avx512F.LoadAlignedVector512(s + 112), a7);
                a8 = Vector512.FusedMultiplyAdd(v, Avx512F.MaskLoad(s + 128, tail, Vector512<float>.Zero), a8);
            }

            float* d = dst + b;
            Realign(a0, a1, realign).Store(d);
            Realign(a1, a2, realign).Store(d + 16);
            Realign(a2, a3, realign).Store(d + 32);
            Realign(a3, a4, realign).Store(d + 48);
            Realign(a4, a5, realign).Store(d + 64);
            Realign(a5, a6, realign).Store(d + 80);
            Realign(a6, a7, realign).Store(d + 96);
            Realign(a7, a8, realign).Store(d + 112);
        }
    }

    /// <summary>Lanes [shift, shift + 16) of the 32 lanes (<paramref name="low"/>, <paramref name="high"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Realign(Vector512<float> low, Vector512<float> high, Vector512<int> realign) =>
        Avx512F.PermuteVar16x32x2(low, realign, high);
}
