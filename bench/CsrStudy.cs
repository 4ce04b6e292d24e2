using System.Globalization;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- csr [--reps N]</c>: A/B of the CSR kernels' variants (CsrKernels.Variant 0 = old, 1 = new), per product, at the
/// example's hidden-layer shapes, interleaved in one process. Temporary, for deciding between kernel variants.
/// </summary>
internal static class CsrStudy
{
    private const int Batch = 128;

    internal static int Run(string[] args)
    {
        int reps = 30;
        int at = Array.IndexOf(args, "--reps");
        if (at >= 0 && at + 1 < args.Length)
        {
            reps = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        }

        at = Array.IndexOf(args, "--block-bytes");
        if (at >= 0 && at + 1 < args.Length)
        {
            CsrKernels.BlockBytes = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        }

        if (args.Contains("--ceiling"))
        {
            CsrCeiling.Run();
            return 0;
        }

        foreach (double sparsity in new[] { 0.9, 0.95 })
        {
            Study<Hidden1Shape>(reps, sparsity);
            Study<Hidden2Shape>(reps, sparsity);
        }

        return 0;
    }

    private static void Study<T>(int reps, double sparsity) where T : SparseDsl.Kernels.ILayerShape
    {
        int i = T.In, o = T.Out;
        CsrMatrix csr = CsrMatrix.RandomMask(o, i, (long)Math.Round((1 - sparsity) * o * i), new Random(7));
        var rng = new Random(8);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Rand(csr.Nnz).CopyTo(csr.Values, 0);
        float[] bias = Rand(o), x = Rand(i * Batch), dy = Rand(o * Batch), y = new float[o * Batch];
        float[] dv = new float[csr.Nnz], db = new float[o], dx = new float[i * Batch];
        Action Fwd(bool panels) => () => { CsrKernels.Variant = panels ? 1 : 0; CsrKernels.Forward<T>(csr, bias, x, y, Batch); };
        Action Bwd(bool panels, bool withDx) => () => { CsrKernels.Variant = panels ? 1 : 0; CsrKernels.Backward<T>(csr, x, dy, dv, db, withDx ? dx : null, Batch); };
        Action All(bool panels) => () =>
        {
            CsrKernels.Variant = panels ? 1 : 0;
            CsrKernels.Forward<T>(csr, bias, x, y, Batch);
            CsrKernels.Backward<T>(csr, x, dy, dv, db, dx, Batch);
        };
        (double[] t, double[] ratio) = Timing.Interleaved(reps,
            Fwd(false), Fwd(true), Bwd(false, false), Bwd(true, false), Bwd(false, true), Bwd(true, true), All(false), All(true));
        double flops = 2.0 * csr.Nnz * Batch;
        string G(double s) => (flops / s / 1e9).ToString("F1", CultureInfo.InvariantCulture);
        string Ms(double s) => (s * 1e3).ToString("F3", CultureInfo.InvariantCulture);
        string R(double r) => r.ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"{i}->{o} {sparsity}: fwd old {Ms(t[0])} ({G(t[0])}) new {Ms(t[1])} ({G(t[1])}) new/old {R(ratio[1])}; " +
            $"sddmm old {Ms(t[2])} new {Ms(t[3])} {R(ratio[3] / ratio[2])}; dx old {Ms(t[4] - t[2])} new {Ms(t[5] - t[3])}; " +
            $"all old {Ms(t[6])} new {Ms(t[7])} new/old {R(ratio[7] / ratio[6])}");
    }
}

internal readonly struct Narrow64Shape : SparseDsl.Kernels.ILayerShape { public static int In => 64; public static int Out => 1000; }

internal static class CsrCeiling
{
    internal static void Run()
    {
        const int batch = 128;
        CsrMatrix narrow = CsrMatrix.RandomMask(1000, 64, 64000, new Random(1));
        CsrMatrix wide = CsrMatrix.RandomMask(1000, 1000, 64000, new Random(1));
        float[] xn = new float[64 * batch], xw = new float[1000 * batch], y = new float[1000 * batch], bias = new float[1000];
        float[] dy = new float[1000 * batch], dvn = new float[64000], dvw = new float[64000], db = new float[1000];
        CsrKernels.Variant = 0;
        (double[] t, _) = Timing.Interleaved(30,
            () => CsrKernels.Forward<Narrow64Shape>(narrow, bias, xn, y, batch),
            () => CsrKernels.Forward<Hidden2Shape>(wide, bias, xw, y, batch),
            () => CsrKernels.Backward<Narrow64Shape>(narrow, xn, dy, dvn, db, null, batch),
            () => CsrKernels.Backward<Hidden2Shape>(wide, xw, dy, dvw, db, null, batch));
        double flops = 2.0 * 64000 * batch;
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"64k nnz: fwd x in L1 (64 cols) {flops / t[0] / 1e9:F1} GFLOP/s, x in L2 (1000 cols) {flops / t[1] / 1e9:F1}; sddmm L1 {flops / t[2] / 1e9:F1}, L2 {flops / t[3] / 1e9:F1}"));
    }
}
