using System.Diagnostics;
using System.Globalization;
using SparseDsl.Kernels;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- probe</c>: where the GEMM time goes. First the machine's measured FP32 peak (the ceiling for everything below),
/// then the micro-kernel from L1, then whole products at several shapes.
/// </summary>
internal static unsafe class Probe
{
    internal static int Run()
    {
        Console.WriteLine($"{Peak.CpuModel()}: {Peak.Describe()}");
        float[] a = new float[8 * 256], b = new float[32 * 256], c = new float[8 * 32];
        fixed (float* pa = a, pb = b, pc = c)
        {
            for (int rep = 0; rep < 3; rep++)
            {
                const int calls = 200_000;
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++)
                {
                    Gemm.Kernel8x32(pa, pb, 256, pc, 32, 1, null);
                }

                double gf = 2.0 * 8 * 32 * 256 * calls / sw.Elapsed.TotalSeconds / 1e9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"micro-kernel 8x32 kc=256 (L1, 1 thread): {gf:F1} GFLOP/s"));
            }
        }

        foreach ((int m, int n, int k, bool ta, bool tb) in new[]
        {
            (1024, 1024, 1024, false, false), (1000, 1000, 1000, false, false), (1024, 1024, 256, false, false),
            (1000, 128, 784, false, false), (1000, 784, 128, false, true), (784, 128, 1000, true, false),
        })
        {
            float[] x = new float[m * k], y = new float[k * n], z = new float[m * n];
            (double[] t, _) = Timing.Interleaved(15, () => Gemm.Multiply(ta, tb, m, n, k, x, y, z));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m}x{n}x{k} ta={ta} tb={tb}: {2.0 * m * n * k / t[0] / 1e9:F1} GFLOP/s ({t[0] * 1e3:F3} ms)"));
        }

        CsrParts(0.9);
        CsrParts(0.95);
        return 0;
    }

    private static void CsrParts(double sparsity)
    {
        const int batch = 128, n = 1000;
        var csr = SparseDsl.Sparse.CsrMatrix.RandomMask(n, n, (long)((1 - sparsity) * n * n), new Random(1));
        float[] x = new float[n * batch], y = new float[n * batch], bias = new float[n], dv = new float[csr.Nnz], db = new float[n];
        new Random(2).NextBytes(new byte[1]);
        (double[] t, _) = Timing.Interleaved(30,
            () => SparseDsl.Sparse.CsrKernels.Forward<Hidden2Shape>(csr, bias, x, y, batch),
            () => SparseDsl.Sparse.CsrKernels.Backward<Hidden2Shape>(csr, x, y, dv, db, null, batch),
            () => SparseDsl.Sparse.CsrKernels.Backward<Hidden2Shape>(csr, x, y, dv, db, x, batch));
        double flops = 2.0 * csr.Nnz * batch;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CSR 1000x1000 {sparsity}: forward {t[0] * 1e3:F3} ms ({flops / t[0] / 1e9:F1} GFLOP/s), sddmm+db {t[1] * 1e3:F3} ms ({flops / t[1] / 1e9:F1}), dx {(t[2] - t[1]) * 1e3:F3} ms"));
    }
}
