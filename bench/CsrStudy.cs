using System.Globalization;
using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- csr [--reps N]</c>: the CSR kernels side by side with <see cref="CsrBaseline"/> (the gather as of 517afb8), per
/// product, at the example's hidden-layer shapes, interleaved in one process. SDDMM + db is the same code on both sides.
/// </summary>
internal static class CsrStudy
{
    private const int Batch = 128;

    internal static int Run(string[] args)
    {
        int reps = Timing.Repetitions(args, 30);

        foreach (double sparsity in new[] { 0.9, 0.95 })
        {
            Study<Hidden1Shape>(reps, sparsity);
            Study<Hidden2Shape>(reps, sparsity);
        }

        return 0;
    }

    private static void Study<T>(int reps, double sparsity) where T : ILayerShape
    {
        int i = T.In, o = T.Out;
        CsrMatrix csr = CsrMatrix.RandomMask(o, i, (long)Math.Round((1 - sparsity) * o * i), new Random(7));
        var rng = new Random(8);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Rand(csr.Nnz).CopyTo(csr.Values, 0);
        float[] bias = Rand(o), x = Rand(i * Batch), dy = Rand(o * Batch), y = new float[o * Batch];
        float[] dv = new float[csr.Nnz], db = new float[o], dx = new float[i * Batch], scratch = new float[csr.Nnz];
        (double[] t, double[] ratio) = Timing.Interleaved(reps,
            () => CsrBaseline.Forward(csr, bias, x, y, Batch),
            () => CsrKernels.Forward<T>(csr, bias, x, y, Batch),
            () => CsrBaseline.InputGradient(csr, dy, dx, scratch, Batch),
            () => CsrKernels.Backward<T>(csr, x, dy, dv, db, dx, Batch),
            () => CsrKernels.Backward<T>(csr, x, dy, dv, db, null, Batch),
            () =>
            {
                CsrBaseline.Forward(csr, bias, x, y, Batch);
                CsrKernels.Backward<T>(csr, x, dy, dv, db, null, Batch);
                CsrBaseline.InputGradient(csr, dy, dx, scratch, Batch);
            },
            () =>
            {
                CsrKernels.Forward<T>(csr, bias, x, y, Batch);
                CsrKernels.Backward<T>(csr, x, dy, dv, db, dx, Batch);
            });
        double flops = 2.0 * csr.Nnz * Batch;
        string G(double s) => (flops / s / 1e9).ToString("F1", CultureInfo.InvariantCulture);
        string Ms(double s) => (s * 1e3).ToString("F3", CultureInfo.InvariantCulture);
        string R(double r) => r.ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"{i}->{o} {sparsity}: fwd old {Ms(t[0])} ({G(t[0])} GFLOP/s) new {Ms(t[1])} ({G(t[1])}) new/old {R(ratio[1])}; " +
            $"dx old {Ms(t[2])} new {Ms(t[3] - t[4])} (sddmm+db {Ms(t[4])}); fwd+bwd old {Ms(t[5])} new {Ms(t[6])} new/old {R(ratio[6] / ratio[5])}");
    }
}
