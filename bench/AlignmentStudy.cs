using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- alignment [--reps N]</c>: the CSR forward and backward of the example's 1000→1000 layer (batch 128) on
/// activation arrays whose data starts on a 64-byte boundary, against arrays 16 bytes off one, with the kernels'
/// aligned copy of the source (what training does) and without it, interleaved in one process.
/// </summary>
internal static unsafe class AlignmentStudy
{
    private const int Batch = 128;
    private static readonly List<float[]> Kept = [];

    internal static int Run(string[] args)
    {
        int reps = Timing.Repetitions(args, 30);

        Console.WriteLine("| CSR 1000→1000, batch 128 | aligned arrays | 16 bytes off, copied aligned | 16 bytes off, as they are |");
        Console.WriteLine("|---|---|---|---|");
        foreach (double sparsity in new[] { 0.9, 0.95 })
        {
            CsrMatrix csr = CsrMatrix.RandomMask(1000, 1000, (long)Math.Round((1 - sparsity) * 1e6), new Random(7));
            for (int i = 0; i < csr.Nnz; i++)
            {
                csr.Values[i] = (float)Math.Sin(i);
            }

            float[] bias = new float[1000], dValues = new float[csr.Nnz], db = new float[1000];
            var aligned = Arrays(0);
            var off = Arrays(16);
            Action Forward((float[] X, float[] Y, float[] Dy, float[] Dx) a, bool copy) => () =>
            {
                CsrKernels.CopyMisalignedSources = copy;
                CsrKernels.Forward<Hidden2Shape>(csr, bias, a.X, a.Y, Batch);
            };
            Action Backward((float[] X, float[] Y, float[] Dy, float[] Dx) a, bool copy) => () =>
            {
                CsrKernels.CopyMisalignedSources = copy;
                CsrKernels.Backward<Hidden2Shape>(csr, a.X, a.Dy, dValues, db, a.Dx, Batch);
            };
            var (tf, _) = Timing.Interleaved(reps, Forward(aligned, true), Forward(off, true), Forward(off, false));
            var (tb, _) = Timing.Interleaved(reps, Backward(aligned, true), Backward(off, true), Backward(off, false));
            CsrKernels.CopyMisalignedSources = true;
            Console.WriteLine(FormattableString.Invariant(
                $"| {100 * sparsity:F0} % forward | {tf[0] * 1e3:F3} ms | {tf[1] * 1e3:F3} ms ({tf[1] / tf[0]:F2}×) | {tf[2] * 1e3:F3} ms ({tf[2] / tf[0]:F2}×) |"));
            Console.WriteLine(FormattableString.Invariant(
                $"| {100 * sparsity:F0} % backward (dW, db, dX) | {tb[0] * 1e3:F3} ms | {tb[1] * 1e3:F3} ms ({tb[1] / tb[0]:F2}×) | {tb[2] * 1e3:F3} ms ({tb[2] / tb[0]:F2}×) |"));
        }

        return 0;
    }

    private static (float[] X, float[] Y, float[] Dy, float[] Dx) Arrays(int offsetBytes) =>
        (At(offsetBytes, 1), At(offsetBytes, 2), At(offsetBytes, 3), At(offsetBytes, 4));

    /// <summary>A pinned [1000, batch] array of random values whose data sits <paramref name="offsetBytes"/> past a 64-byte boundary.</summary>
    private static float[] At(int offsetBytes, int seed)
    {
        while (true)
        {
            var a = GC.AllocateArray<float>(1000 * Batch, pinned: true);
            Kept.Add(a); // pinned arrays that missed stay referenced, so the next one lands elsewhere
            fixed (float* p = a)
            {
                if ((int)((nuint)p % 64) != offsetBytes)
                {
                    continue;
                }
            }

            var random = new Random(seed);
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = (float)(random.NextDouble() * 2 - 1);
            }

            return a;
        }
    }
}
