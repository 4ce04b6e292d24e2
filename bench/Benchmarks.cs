using BenchmarkDotNet.Attributes;
using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>BenchmarkDotNet: our SGEMM against OpenBLAS (when installed) at 1024³ and the example's layer products.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] a = [], b = [], c = [];

    [Params(128, 512, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        a = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextDouble()).ToArray();
        b = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextDouble()).ToArray();
        c = new float[N * N];
    }

    [Benchmark(Baseline = true)]
    public void Ours() => Gemm.Multiply(false, false, N, N, N, a, b, c);

    [Benchmark]
    public void OpenBlasSgemm() => OpenBlas.Multiply(false, false, N, N, N, a, b, c);
}

/// <summary>BenchmarkDotNet: one hidden layer (1000→1000, batch 128) forward+backward, dense and CSR.</summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private const int Batch = 128;
    private float[] w = [], bias = [], x = [], y = [], dy = [], dW = [], db = [], dx = [], dValues = [];
    private CsrMatrix csr = null!;

    [Params(0.9, 0.95)]
    public double Sparsity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        csr = CsrMatrix.RandomMask(1000, 1000, (long)((1 - Sparsity) * 1e6), new Random(3));
        R(csr.Nnz).CopyTo(csr.Values, 0);
        w = csr.ToDense();
        bias = R(1000);
        x = R(1000 * Batch);
        dy = R(1000 * Batch);
        y = new float[1000 * Batch];
        dW = new float[1000 * 1000];
        db = new float[1000];
        dx = new float[1000 * Batch];
        dValues = new float[csr.Nnz];
    }

    [Benchmark(Baseline = true)]
    public void Dense()
    {
        DenseKernels.Forward<Hidden2Shape>(w, bias, x, y, Batch);
        DenseKernels.Backward<Hidden2Shape>(w, x, dy, dW, db, dx, Batch);
    }

    [Benchmark]
    public void Csr()
    {
        CsrKernels.Forward<Hidden2Shape>(csr, bias, x, y, Batch);
        CsrKernels.Backward<Hidden2Shape>(csr, x, dy, dValues, db, dx, Batch);
    }
}
