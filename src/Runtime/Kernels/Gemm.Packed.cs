namespace SparseDsl.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>
    /// op(B) packed once for several products that share it: RigL scores a layer's dense gradient in tiles of rows, and
    /// every tile multiplies the same input, which <see cref="MultiplyCore"/> would pack again per tile (four 256-row
    /// tiles of a 1000×1000 gradient took 0.75–0.84 ms against 0.64–0.70 for one product, both cores). Pinned, so the
    /// 64-byte-aligned start found once stays valid.
    /// </summary>
    internal sealed class PackedOperand
    {
        private float[] buffer = [];

        /// <summary>Columns of op(B) (and of every C multiplied with it).</summary>
        internal int N { get; private set; }

        /// <summary>The contracted dimension: rows of op(B).</summary>
        internal int K { get; private set; }

        /// <summary>
        /// Packs op(<paramref name="b"/>) (<paramref name="transposeB"/> as in <see cref="Multiply"/>; k×n values) into this
        /// operand's buffer, grown when needed and otherwise reused.
        /// </summary>
        internal void Pack(bool transposeB, int n, int k, float[] b)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            ArgumentOutOfRangeException.ThrowIfNegative(k);
            CheckLength(b, (long)k * n, nameof(b));
            int nPanels = (n + NR - 1) / NR;
            long length = (long)nPanels * NR * k + 16; // room to start at a 64-byte boundary
            if (buffer.Length < length)
            {
                buffer = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
            }

            N = n;
            K = k;
            if (n > 0 && k > 0)
            {
                fixed (float* pb = b)
                {
                    Job.PackAllB(pb, transposeB, n, k, nPanels, Scratch.Pointer(buffer));
                }
            }
        }

        /// <summary>The packed panels, 64-byte aligned.</summary>
        internal float* Panels => Scratch.Pointer(buffer);
    }

    /// <summary>
    /// <c>C = A·op(B)</c> with op(B) already packed: A row-major m×K starting at <paramref name="aOffset"/> in
    /// <paramref name="a"/> (a band of rows of a larger matrix), C m×N row-major, overwritten.
    /// </summary>
    internal static void MultiplyPacked(int m, float[] a, long aOffset, PackedOperand b, float[] c)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        int n = b.N, k = b.K;
        if (aOffset < 0 || aOffset + (long)m * k > a.Length)
        {
            throw new ArgumentException($"A's {m} rows of {k} from {aOffset} do not fit its {a.Length} values.", nameof(a));
        }

        CheckLength(c, (long)m * n, nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            c.AsSpan(0, m * n).Clear();
            return;
        }

        fixed (float* pa = a, pc = c)
        {
            var job = new Job
            {
                A = pa + aOffset, B = null, C = pc, Bias = null,
                PackedB = b.Panels, BIsPacked = true,
                M = m, N = n, K = k,
                TransA = false, TransB = false, Accumulate = false,
                MPanels = (m + MR - 1) / MR, NPanels = (n + NR - 1) / NR,
            };
            job.Run();
        }
    }
}
