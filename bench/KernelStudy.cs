using System.Globalization;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- kernels [--reps N] [--as-set]</c>: our GEMM and layer kernels side by
/// side with OpenBLAS and with each other in one process, medians over interleaved repetitions, as a markdown table.
/// SGEMM is put against this machine's FP32 peak, measured in the same process (<see cref="Peak"/>).
/// </summary>
/// <remarks>
/// OpenBLAS is measured at its best (TOOLCHAIN §9): unless <c>--as-set</c> is given, this process only times each
/// candidate OpenBLAS kernel in a short child process (<see cref="BlasCoreChoice"/>), then runs the study itself in a
/// child process with the fastest one's environment, whose header says exactly what that environment was.
/// <c>--as-set</c> measures OpenBLAS as the environment sets it, in this process. Without libopenblas there is nothing
/// to choose: the study runs here and the OpenBLAS columns are empty.
/// </remarks>
internal static class KernelStudy
{
    private const int Batch = 128;

    internal static int Run(string[] args)
    {
        if (args.Contains(BlasCoreChoice.ProbeFlag))
        {
            return BlasCoreChoice.ReportProbe();
        }

        bool asSet = args.Contains("--as-set");
        int reps = Timing.Repetitions(args, 21);

        // The OpenBLAS variables are read when the library loads, so the chosen kernel needs a fresh process.
        if (!asSet && !BlasCoreChoice.Chosen && OpenBlas.Available() && BlasCoreChoice.ChooseFastest() is { } environment)
        {
            return SelfProcess.Run(["kernels", .. args], environment, capture: false).ExitCode;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Peak.CpuModel()}, {Environment.ProcessorCount} cores, Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, .NET {Environment.Version}, batch {Batch}, {reps} interleaved repetitions, medians."));
        Console.WriteLine($"Peak: {Peak.Describe()}.");
        string? machineSetting = BlasCoreChoice.MachineSetting;
        Console.WriteLine(asSet
            ? $"OpenBLAS environment as the machine sets it (--as-set): {BlasCoreChoice.CurrentSetting()}."
            : machineSetting is null
                ? $"OpenBLAS environment: {BlasCoreChoice.CurrentSetting()} (no kernel was probed)."
                : $"OpenBLAS environment: {BlasCoreChoice.CurrentSetting()}, the fastest probed kernel (the machine's own setting: {machineSetting}).");
        bool blas = OpenBlas.Available();
        if (blas)
        {
            OpenBlas.SetThreads(Environment.ProcessorCount);
            Console.WriteLine($"OpenBLAS: {OpenBlas.Describe()}, {Environment.ProcessorCount} threads.");
        }
        else
        {
            Console.WriteLine("OpenBLAS: libopenblas.so.0 not found (apt-get install -y libopenblas0-pthread); its columns are empty.");
        }

        Console.WriteLine();
        var table = new List<string>
        {
            "| measurement | ours | reference | ratio |",
            "|---|---|---|---|",
        };
        Gemm1024(reps, blas, table);
        DenseLayer<Hidden1Shape>(reps, blas, table);
        DenseLayer<Hidden2Shape>(reps, blas, table);
        DenseLayer<OutputShape>(reps, blas, table);
        foreach (double sparsity in new[] { 0.9, 0.95 })
        {
            CsrLayer<Hidden1Shape>(reps, sparsity, table);
            CsrLayer<Hidden2Shape>(reps, sparsity, table);
            CsrLayer<OutputShape>(reps, sparsity, table);
        }

        BlockStudy.Rows(reps, table, split: false);
        TrainingStateMemory(table);
        foreach (string line in table)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);

    private static void Gemm1024(int reps, bool blas, List<string> table)
    {
        const int n = 1024;
        float[] a = Random(n * n, 1), b = Random(n * n, 2), c1 = new float[n * n], c2 = new float[n * n];
        double flops = 2.0 * n * n * n;
        var contenders = new List<Action> { () => Gemm.Multiply(false, false, n, n, n, a, b, c1) };
        if (blas)
        {
            contenders.Add(() => OpenBlas.Multiply(false, false, n, n, n, a, b, c2));
        }

        (double[] t, double[] ratio) = Timing.Interleaved(reps, contenders.ToArray());
        double ours = flops / t[0] / 1e9;
        table.Add($"| SGEMM 1024³ (NN) | {F(ours)} GFLOP/s ({F(100 * ours / Peak.Gflops, "F0")}% of {F(Peak.Gflops, "F0")} GFLOP/s measured peak) | " +
            (blas ? $"OpenBLAS {F(flops / t[1] / 1e9)} GFLOP/s | {F(ratio[1], "F2")}× OpenBLAS |" : "– | – |"));
        if (blas)
        {
            CheckSame(c2, c1, "SGEMM 1024³");
        }
    }

    private static void DenseLayer<T>(int reps, bool blas, List<string> table) where T : ILayerShape
    {
        int i = T.In, o = T.Out;
        float[] w = Random(o * i, 3), bias = Random(o, 4), x = Random(i * Batch, 5), dy = Random(o * Batch, 6);
        float[] y = new float[o * Batch], dW = new float[o * i], db = new float[o], dx = new float[i * Batch];
        float[] y2 = new float[o * Batch], dW2 = new float[o * i], dx2 = new float[i * Batch];
        double flops = 3 * 2.0 * o * i * Batch;
        var contenders = new List<Action>
        {
            () =>
            {
                DenseKernels.Forward<T>(w, bias, x, y, Batch);
                DenseKernels.Backward<T>(w, x, dy, dW, db, dx, Batch);
            },
        };
        if (blas)
        {
            contenders.Add(() =>
            {
                OpenBlas.Multiply(false, false, o, Batch, i, w, x, y2);
                OpenBlas.Multiply(false, true, o, i, Batch, dy, x, dW2);
                OpenBlas.Multiply(true, false, i, Batch, o, w, dy, dx2);
            });
        }

        (double[] t, double[] ratio) = Timing.Interleaved(reps * 3, contenders.ToArray());
        string shape = $"{i}→{o}";
        table.Add($"| dense {shape} fwd+bwd (3 GEMMs + bias, db) | {F(t[0] * 1e3, "F3")} ms ({F(flops / t[0] / 1e9)} GFLOP/s) | " +
            (blas ? $"OpenBLAS 3 GEMMs {F(t[1] * 1e3, "F3")} ms ({F(flops / t[1] / 1e9)} GFLOP/s) | {F(ratio[1], "F2")}× OpenBLAS |" : "– | – |"));
        if (blas)
        {
            CheckSame(dW2, dW, $"dense {shape} dW");
            CheckSame(dx2, dx, $"dense {shape} dx");
        }
    }

    private static void CsrLayer<T>(int reps, double sparsity, List<string> table) where T : ILayerShape
    {
        int i = T.In, o = T.Out;
        long nnz = (long)Math.Round((1 - sparsity) * o * i);
        CsrMatrix csr = CsrMatrix.RandomMask(o, i, nnz, new Random(7));
        Random(csr.Nnz, 8).CopyTo(csr.Values, 0);
        float[] w = csr.ToDense(), bias = Random(o, 4), x = Random(i * Batch, 5), dy = Random(o * Batch, 6);
        float[] y = new float[o * Batch], dW = new float[o * i], db = new float[o], dx = new float[i * Batch];
        float[] y2 = new float[o * Batch], dValues = new float[csr.Nnz], db2 = new float[o], dx2 = new float[i * Batch];
        (double[] t, double[] ratio) = Timing.Interleaved(reps * 3,
            () =>
            {
                CsrKernels.Forward<T>(csr, bias, x, y2, Batch);
                CsrKernels.Backward<T>(csr, x, dy, dValues, db2, dx2, Batch);
            },
            () =>
            {
                DenseKernels.Forward<T>(w, bias, x, y, Batch);
                DenseKernels.Backward<T>(w, x, dy, dW, db, dx, Batch);
            });
        table.Add($"| CSR {i}→{o} at {F(100 * sparsity, "F0")}% sparsity fwd+bwd | {F(t[0] * 1e3, "F3")} ms | our dense {F(t[1] * 1e3, "F3")} ms | {F(ratio[1], "F2")}× faster than our dense |");
        CheckSame(y, y2, $"CSR {i}→{o} y");
        CheckSame(dx, dx2, $"CSR {i}→{o} dx");
    }

    /// <summary>Weights + gradients + Adam m and v (+ CSR indices) of 784-1000-1000-10.</summary>
    private static void TrainingStateMemory(List<string> table)
    {
        (int In, int Out)[] layers = [(784, 1000), (1000, 1000), (1000, 10)];
        long dense = 0, sparse = 0;
        foreach ((int i, int o) in layers)
        {
            long parameters = (long)i * o + o;
            dense += 4 * parameters * sizeof(float);
            if (o == 10)
            {
                sparse += 4 * parameters * sizeof(float); // the output layer stays dense
                continue;
            }

            CsrMatrix m = CsrMatrix.RandomMask(o, i, (long)Math.Round(0.05 * i * o), new Random(1));
            long values = m.Nnz + o; // active weights + bias
            long floats = 4 * values; // values, grads, Adam m, v
            long ints = m.ColIdx.Length + m.RowPtr.Length;
            sparse += floats * sizeof(float) + ints * sizeof(int);
        }

        table.Add($"| training state 784-1000-1000-10, hidden layers 95% sparse (values, grads, Adam m, v, CSR indices) | {F(sparse / 1048576.0, "F2")} MiB | dense {F(dense / 1048576.0, "F2")} MiB | {F((double)dense / sparse, "F1")}× smaller |");
    }

    /// <summary>Warns when a kernel under study disagrees with its reference (shared by the kernel studies).</summary>
    internal static void CheckSame(float[] expected, float[] actual, string what)
    {
        double max = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        if (max > 1e-4 * Math.Max(1, scale))
        {
            Console.WriteLine($"WARNING: {what} differs: max |err| {max:G3} (scale {scale:G3})");
        }
    }

    /// <summary>Uniform values in [−1, 1) from <paramref name="seed"/>.</summary>
    internal static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return a;
    }
}
