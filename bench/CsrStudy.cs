using System.Globalization;
using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- csr [--reps N]</c>: the CSR backward's dX, the row-wise scatter against <see cref="CsrBaseline"/> (c1e3815's
/// gather over a transpose map), alone and inside a whole forward + backward, at the example's hidden-layer shapes,
/// interleaved in one process. The forward and SDDMM + db are the same code on both sides; both dX results are checked
/// equal bit for bit.
/// </summary>
internal static class CsrStudy
{
    private const int Batch = 128;

    internal static int Run(string[] args)
    {
        int reps = Timing.Repetitions(args, 30);
        Console.WriteLine($"CPU: {Peak.CpuModel()}; {Environment.ProcessorCount} cores; batch {Batch}; medians of interleaved repetitions ({reps} per contender)");
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
        CsrTransposeMap map = csr.Transpose();
        var rng = new Random(8);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Rand(csr.Nnz).CopyTo(csr.Values, 0);
        float[] bias = Rand(o), x = Rand(i * Batch), dy = Rand(o * Batch), y = new float[o * Batch];
        float[] dv = new float[csr.Nnz], db = new float[o], dx = new float[i * Batch], dxOld = new float[i * Batch];
        CsrBaseline.InputGradient(csr, map, dy, dxOld, Batch);
        CsrKernels.Backward<T>(csr, x, dy, dv, db, dx, Batch);
        if (!dx.AsSpan().SequenceEqual(dxOld))
        {
            Console.WriteLine($"WARNING: {i}->{o} {sparsity}: the scatter's dx differs from the gather's");
        }

        (double[] t, double[] ratio) = Timing.Interleaved(reps,
            () => CsrBaseline.InputGradient(csr, map, dy, dxOld, Batch),
            () => CsrKernels.Backward<T>(csr, x, dy, dv, db, dx, Batch),
            () => CsrKernels.Backward<T>(csr, x, dy, dv, db, null, Batch),
            () =>
            {
                CsrKernels.Forward<T>(csr, bias, x, y, Batch);
                CsrKernels.Backward<T>(csr, x, dy, dv, db, null, Batch);
                CsrBaseline.InputGradient(csr, map, dy, dxOld, Batch);
            },
            () =>
            {
                CsrKernels.Forward<T>(csr, bias, x, y, Batch);
                CsrKernels.Backward<T>(csr, x, dy, dv, db, dx, Batch);
            });
        string Ms(double s) => (s * 1e3).ToString("F3", CultureInfo.InvariantCulture);
        string R(double r) => r.ToString("F2", CultureInfo.InvariantCulture);
        double dxNew = t[1] - t[2];
        Console.WriteLine($"{i}->{o} {sparsity}: dx old (gather) {Ms(t[0])} new (scatter) {Ms(dxNew)} new/old {R(dxNew / t[0])} (sddmm+db {Ms(t[2])}); " +
            $"fwd+bwd old {Ms(t[3])} new {Ms(t[4])} new/old {R(ratio[4] / ratio[3])}");
    }
}
