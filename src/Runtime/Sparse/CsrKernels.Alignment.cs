using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

public static unsafe partial class CsrKernels
{
    /// <summary>
    /// Whether the backward works on aligned copies of misaligned arrays: <see cref="AlignedSource"/>'s copy of x, and
    /// dX's scatter into an aligned scratch (<see cref="ScatterTransposed"/>); off only to measure what they buy (bench).
    /// </summary>
    internal static bool CopyMisalignedSources = true;

    // Per calling thread, pinned, grown on demand: the aligned copy of x ([in, batch]) that SDDMM gathers from.
    [ThreadStatic] private static float[]? sddmmScratch;

    /// <summary>
    /// The source of SDDMM's gather as (array, offset of element 0): <paramref name="src"/> itself, or a copy in
    /// <paramref name="scratch"/> that starts at a 64-byte boundary. The gathers load whole rows with Vector512; a .NET
    /// array's data is only 8-byte aligned, and when it is off a boundary every one of those loads straddles two cache
    /// lines: on the Intel host the forward and backward ran 1.2–1.7× slower than on aligned rows, measured side by side
    /// (bench `alignment`). Copying x (for dW) and dy (for the dX gather of then) brought the backward to 1.03–1.47× of
    /// aligned in six runs (1.29–1.71× without); the forward gained nothing it did not pay for in its copy, so it has
    /// none. dX now scatters (<see cref="ScatterTransposed"/>): it loads each dy row once, so dy needs no copy; its target,
    /// dx, is what it keeps aligned instead. Rows share the source's
    /// alignment only when a row is a whole number of 64-byte lines (batch a multiple of 16); otherwise no copy can align
    /// them all and none is made.
    /// </summary>
    internal static (float[] Array, int Offset) AlignedSource(float[] src, long elements, int batch, ref float[]? scratch)
    {
        if (!CopyMisalignedSources || !Vector512.IsHardwareAccelerated || batch % 16 != 0 || elements < 4096 || elements > Array.MaxLength - 16)
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

            if (scratch is null || scratch.Length < length + 16)
            {
                scratch = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
            }

            nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch));
            int offset = (int)(((64 - start % 64) % 64) / sizeof(float));
            float[] copy = scratch;
            Workers.ForRange(length, Workers.Count, (start, end) => src.AsSpan(start, end - start).CopyTo(copy.AsSpan(offset + start, end - start)));
            return (copy, offset);
        }
    }
}
