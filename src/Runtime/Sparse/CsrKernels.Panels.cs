using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// The gather (forward SpMM and dX) over 16-wide batch panels. The unpanelled gather streams a 512-byte row of src
/// (batch 128) per active weight, and src (0.4–0.5 MiB) lives in L2, so it is bound by L2→L1 bandwidth. Here each
/// worker copies one 16-column panel of src into a contiguous <c>[n, 16]</c> buffer (64 bytes per source row, no
/// cache-set aliasing) and walks the weights one column block at a time, so the ~24 KiB of panel a block touches stays
/// in L1 while every row of dst reads from it. The cost: the CSR indices and values are read once per panel instead
/// of once, and each dst row is reloaded once per column block.
/// </summary>
public static unsafe partial class CsrKernels
{
    /// <summary>Bytes of a packed panel one column block may span: the CPU reports a 32 KiB L1d.</summary>
    internal const int PanelBlockBytes = 24 * 1024;

    /// <summary>Panel width in floats: one Vector512.</summary>
    private const int Panel = 16;

    /// <summary>Temporary A/B switch for the bench: false forces the unpanelled gather.</summary>
    internal static bool UsePanels = true;

    /// <summary>Column blocks that keep a block of an [n, 16] panel within <see cref="PanelBlockBytes"/>.</summary>
    internal static int PanelBlocks(int n) => Math.Max(1, (int)(((long)n * Panel * sizeof(float) + PanelBlockBytes - 1) / PanelBlockBytes));

    /// <summary>Whether the panelled gather applies: AVX-512, a panel per core at least, and enough work to split.</summary>
    private static bool Panelled(int batch, long nnz) =>
        UsePanels && Vector512.IsHardwareAccelerated && batch >= Panel * Workers.Count && nnz * batch >= 1 << 15;

    /// <summary>
    /// <c>dst[r,b] = (bias?[r] ?? 0) + Σ_{k in [ptr[r], ptr[r+1])} values[k]·src[index[k], b]</c> with the entries of
    /// row r split into <paramref name="blocks"/> column blocks by <paramref name="segments"/> (see
    /// <see cref="CsrMatrix.RowSegments"/>); src is [n, batch], dst [rows, batch].
    /// </summary>
    internal static void GatherPanels(
        int[] ptr, int[] segments, int blocks, int[] index, float[] values, float[]? bias, float[] src, float[] dst,
        int rows, int n, int batch)
    {
        int panels = batch / Panel;
        Workers.For(panels, p =>
        {
            float[] buffer = ArrayPool<float>.Shared.Rent(n * Panel);
            fixed (int* ps = segments, pi = index)
            fixed (float* pv = values, psrc = src, pdst = dst, pk = buffer)
            {
                // [n, 16]: columns [16p, 16p + 16) of src.
                for (int i = 0; i < n; i++)
                {
                    Vector512.Load(psrc + (long)i * batch + p * Panel).Store(pk + (long)i * Panel);
                }

                for (int j = 0; j < blocks; j++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        float* d = pdst + (long)r * batch + p * Panel;
                        Vector512<float> init = j > 0 ? Vector512.Load(d) : Vector512.Create(bias is null ? 0f : bias[r]);
                        int* s = ps + (long)r * (blocks + 1) + j;
                        PanelRow(s[0], s[1], pi, pv, pk, init).Store(d);
                    }
                }
            }

            ArrayPool<float>.Shared.Return(buffer);
        });

        // Columns past the last full panel (batch not a multiple of 16): plain scalar gather.
        for (int b = panels * Panel; b < batch; b++)
        {
            for (int r = 0; r < rows; r++)
            {
                float acc = bias is null ? 0f : bias[r];
                for (int k = ptr[r]; k < ptr[r + 1]; k++)
                {
                    acc = MathF.FusedMultiplyAdd(values[k], src[(long)index[k] * batch + b], acc);
                }

                dst[(long)r * batch + b] = acc;
            }
        }
    }

    /// <summary>init + Σ_{k in [start, end)} values[k]·panel[index[k], :], four accumulators to cover FMA latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PanelRow(int start, int end, int* index, float* values, float* panel, Vector512<float> init)
    {
        Vector512<float> a0 = init, a1 = default, a2 = default, a3 = default;
        int k = start;
        for (; k + 4 <= end; k += 4)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(values[k]), Vector512.Load(panel + ((nint)index[k] << 4)), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(values[k + 1]), Vector512.Load(panel + ((nint)index[k + 1] << 4)), a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(values[k + 2]), Vector512.Load(panel + ((nint)index[k + 2] << 4)), a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(values[k + 3]), Vector512.Load(panel + ((nint)index[k + 3] << 4)), a3);
        }

        for (; k < end; k++)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(values[k]), Vector512.Load(panel + ((nint)index[k] << 4)), a0);
        }

        return (a0 + a1) + (a2 + a3);
    }
}
