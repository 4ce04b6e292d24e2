using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

public static unsafe partial class CsrKernels
{
    // Per calling thread, pinned, grown on demand: a core's block of dx rows, each row on a 64-byte boundary.
    [ThreadStatic] private static float[]? scatterScratch;

    /// <summary>
    /// dX = Wᵀ·dz from the CSR rows, with no transpose map: <c>dx[ColIdx[k], :] += Values[k]·dz[row(k), :]</c>, rows
    /// in ascending order. The columns of W (the rows of dx) are cut into one contiguous range per core; each core
    /// walks every row of W, finds that row's entries in its range by binary search (columns ascend within a row) and
    /// owns <c>dx[its range, :]</c>, so no two cores write one element and nothing is atomic. Every element of dx sums
    /// its column's entries in ascending row order, one FMA each, from zero: the order the transpose gather summed in,
    /// so the results are the same bit for bit, whatever the number of cores.
    /// </summary>
    /// <remarks>
    /// Per entry a core loads, multiplies into and stores back one whole dx row (512 bytes at batch 128), with the dz row
    /// in registers. Those read-modify-writes must not straddle cache lines, so unless dx's rows start on 64-byte
    /// boundaries each core scatters into an aligned scratch (rows padded to whole vectors) and copies its block out at
    /// the end. Cutting the batch across cores instead (each core all of dx's rows, half of each) measured 1.1–1.8× the
    /// column cut's time, and 3–15× when both cores wrote into the same 512-byte rows in place, even on separate cache
    /// lines. A product under ~32k multiply-adds runs on the calling thread.
    /// </remarks>
    private static void ScatterTransposed(CsrMatrix w, float[] dz, float[] dx, int batch)
    {
        int[] rowPtr = w.RowPtr, colIdx = w.ColIdx;
        float[] values = w.Values;
        int rows = w.Rows, cols = w.Cols;
        int parts = (long)w.Nnz * batch < 1 << 15 ? 1 : Math.Clamp(Workers.Count, 1, Math.Max(1, cols));
        bool inPlace = !CopyMisalignedSources || !Vector512.IsHardwareAccelerated || batch < 16 || RowsAligned(dx, batch);
        int stride = inPlace ? batch : (batch + 15) & ~15;
        Workers.For(parts, part =>
        {
            int c0 = (int)((long)cols * part / parts), c1 = (int)((long)cols * (part + 1) / parts);
            bool first = part == 0, last = part == parts - 1;
            fixed (int* pp = rowPtr, pc = colIdx)
            fixed (float* pv = values, pz = dz, pd = dx)
            {
                if (inPlace)
                {
                    ScatterColumns(pp, pc, pv, pz, pd + (long)c0 * batch, stride, rows, c0, c1, batch, first, last);
                    return;
                }

                float* block = ScatterScratch((long)(c1 - c0) * stride);
                ScatterColumns(pp, pc, pv, pz, block, stride, rows, c0, c1, batch, first, last);
                for (int c = c0; c < c1; c++)
                {
                    new ReadOnlySpan<float>(block + (long)(c - c0) * stride, batch).CopyTo(new Span<float>(pd + (long)c * batch, batch));
                }
            }
        });
    }

    /// <summary>
    /// dx rows [c0, c1) into <paramref name="dst"/> (row c at <c>dst + (c − c0)·stride</c>), zeroed first, then every row
    /// of W's entries in those columns added, 128, 16, then 1 batch entries at a time.
    /// </summary>
    private static void ScatterColumns(
        int* rowPtr, int* colIdx, float* values, float* dz, float* dst, int stride, int rows, int c0, int c1, int batch, bool first, bool last)
    {
        for (int c = c0; c < c1; c++)
        {
            new Span<float>(dst + (long)(c - c0) * stride, batch).Clear();
        }

        float* origin = dst - (long)c0 * stride;
        for (int r = 0; r < rows; r++)
        {
            int start = first ? rowPtr[r] : LowerBound(colIdx, rowPtr[r], rowPtr[r + 1], c0);
            int end = last ? rowPtr[r + 1] : LowerBound(colIdx, start, rowPtr[r + 1], c1);
            if (start == end)
            {
                continue;
            }

            float* g = dz + (long)r * batch;
            int b = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; b + 128 <= batch; b += 128)
                {
                    float* gb = g + b;
                    Vector512<float> g0 = Vector512.Load(gb), g1 = Vector512.Load(gb + 16), g2 = Vector512.Load(gb + 32), g3 = Vector512.Load(gb + 48);
                    Vector512<float> g4 = Vector512.Load(gb + 64), g5 = Vector512.Load(gb + 80), g6 = Vector512.Load(gb + 96), g7 = Vector512.Load(gb + 112);
                    for (int k = start; k < end; k++)
                    {
                        Vector512<float> v = Vector512.Create(values[k]);
                        float* d = origin + (long)colIdx[k] * stride + b;
                        Vector512.FusedMultiplyAdd(v, g0, Vector512.Load(d)).Store(d);
                        Vector512.FusedMultiplyAdd(v, g1, Vector512.Load(d + 16)).Store(d + 16);
                        Vector512.FusedMultiplyAdd(v, g2, Vector512.Load(d + 32)).Store(d + 32);
                        Vector512.FusedMultiplyAdd(v, g3, Vector512.Load(d + 48)).Store(d + 48);
                        Vector512.FusedMultiplyAdd(v, g4, Vector512.Load(d + 64)).Store(d + 64);
                        Vector512.FusedMultiplyAdd(v, g5, Vector512.Load(d + 80)).Store(d + 80);
                        Vector512.FusedMultiplyAdd(v, g6, Vector512.Load(d + 96)).Store(d + 96);
                        Vector512.FusedMultiplyAdd(v, g7, Vector512.Load(d + 112)).Store(d + 112);
                    }
                }

                for (; b + 16 <= batch; b += 16)
                {
                    Vector512<float> g0 = Vector512.Load(g + b);
                    for (int k = start; k < end; k++)
                    {
                        float* d = origin + (long)colIdx[k] * stride + b;
                        Vector512.FusedMultiplyAdd(Vector512.Create(values[k]), g0, Vector512.Load(d)).Store(d);
                    }
                }
            }

            for (int k = start; k < end && b < batch; k++)
            {
                float v = values[k];
                float* d = origin + (long)colIdx[k] * stride;
                for (int bb = b; bb < batch; bb++)
                {
                    d[bb] = MathF.FusedMultiplyAdd(v, g[bb], d[bb]);
                }
            }
        }
    }

    /// <summary>The first position in [start, end) whose column is at least <paramref name="column"/> (columns ascend within a row).</summary>
    private static int LowerBound(int* colIdx, int start, int end, int column)
    {
        while (start < end)
        {
            int mid = (start + end) >>> 1;
            if (colIdx[mid] < column)
            {
                start = mid + 1;
            }
            else
            {
                end = mid;
            }
        }

        return start;
    }

    /// <summary>Whether every row of a [*, batch] array starts on a 64-byte boundary.</summary>
    private static bool RowsAligned(float[] array, int batch) =>
        batch % 16 == 0 && (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) % 64 == 0;

    /// <summary>This thread's pinned scratch of at least <paramref name="floats"/> floats, from a 64-byte boundary.</summary>
    private static float* ScatterScratch(long floats)
    {
        if (floats > Array.MaxLength - 16)
        {
            throw new InvalidOperationException($"dX block of {floats} floats is too large for one array.");
        }

        if (scatterScratch is null || scatterScratch.Length < floats + 16)
        {
            scatterScratch = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
        }

        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scatterScratch));
        return (float*)((start + 63) & ~(nuint)63);
    }
}
