using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using SparseDsl.Sparse;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// The generated ILGPU dialect, run on ILGPU's CPU accelerator at small shapes, against the float64 twin of the
/// same network: every forward and backward kernel of a dense, a sparse and a fixed-sparse layer.
/// </summary>
public sealed class GpuKernelTests : IDisposable
{
    private const int Batch = 5;
    private readonly Context context = Context.Create(builder => builder.CPU().EnableAlgorithms());
    private readonly Accelerator accelerator;

    public GpuKernelTests() => accelerator = context.CreateCPUAccelerator(0);

    public void Dispose()
    {
        accelerator.Dispose();
        context.Dispose();
    }

    [Fact]
    public void DenseKernels_MatchFloat64Reference()
    {
        // Sparsity 0: the layers that follow the model-level target are dense.
        var network = new CheckMlp(new NetworkOptions(0, Distribution.Uniform, 21));
        var (reference, outputs, dy) = Setup(network, seed: 1);
        var layer = (Linear)network.Hidden1;
        Assert.True(layer.Weight.Format.IsDense);
        double[] x = outputs[0];
        double[] y = outputs[1];

        var forward = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden1DenseForward);
        using var w = Upload(layer.Weight.Parameter.Values);
        using var bias = Upload(layer.Bias);
        using var xs = Upload(x);
        using var ys = accelerator.Allocate1D<float>(23 * Batch);
        forward(new Index2D(Batch, 23), w.View, bias.View, xs.View, ys.View, Batch);
        TensorAssert.Close(y, Download(ys), 1e-5, 1e-4, "Hidden1DenseForward");

        double[] dz = dy.Select((g, j) => y[j] > 0 ? g : 0).ToArray();
        var activation = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(CheckMlp.GpuKernels.Hidden1ActivationBackward);
        using var dys = Upload(dy);
        activation(23 * Batch, ys.View, dys.View);
        TensorAssert.Close(dz, Download(dys), 1e-6, 1e-5, "Hidden1ActivationBackward");

        var weightGradient = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden1DenseWeightGradient);
        using var dw = accelerator.Allocate1D<float>(23 * 19);
        weightGradient(new Index2D(19, 23), dys.View, xs.View, dw.View, Batch);
        TensorAssert.Close(Product(dz, x, 23, 19), Download(dw), 1e-5, 1e-4, "Hidden1DenseWeightGradient");

        var inputGradient = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden1DenseInputGradient);
        using var dx = accelerator.Allocate1D<float>(19 * Batch);
        inputGradient(new Index2D(Batch, 19), w.View, dys.View, dx.View, Batch);
        TensorAssert.Close(TransposedProduct(reference.Weights(0), dz, 23, 19), Download(dx), 1e-5, 1e-4, "Hidden1DenseInputGradient");

        var biasGradient = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden1BiasGradient);
        using var db = accelerator.Allocate1D<float>(23);
        biasGradient(23, dys.View, db.View, Batch);
        TensorAssert.Close(Enumerable.Range(0, 23).Select(o => Enumerable.Range(0, Batch).Sum(b => dz[o * Batch + b])).ToArray(), Download(db), 1e-5, 1e-4, "Hidden1BiasGradient");
    }

    [Fact]
    public void SparseKernels_MatchFloat64Reference()
    {
        // Hidden2 has its own [Sparse("unstructured", 0.7)]: CSR whatever the grid says.
        var network = new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 22));
        var (reference, outputs, _) = Setup(network, seed: 2);
        var layer = (Linear)network.Hidden2;
        var matrix = Assert.IsType<CsrFormat>(layer.Weight.Format).Matrix;
        double[] x = outputs[1];
        double[] y = outputs[2];
        var dy = TensorAssert.Random(new Random(7), 17 * Batch);

        using var rowStart = Upload(matrix.RowPtr);
        using var column = Upload(matrix.ColIdx);
        using var values = Upload(matrix.Values);
        using var bias = Upload(layer.Bias);
        using var xs = Upload(x);
        using var ys = accelerator.Allocate1D<float>(17 * Batch);
        var forward = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden2SparseForward);
        forward(new Index2D(Batch, 17), rowStart.View, column.View, values.View, bias.View, xs.View, ys.View, Batch);
        TensorAssert.Close(y, Download(ys), 1e-5, 1e-4, "Hidden2SparseForward (tanh)");

        double[] dz = dy.Select((g, j) => g * (1 - y[j] * y[j])).ToArray();
        using var dzs = Upload(dz);
        var rows = Enumerable.Range(0, matrix.Rows).SelectMany(o => Enumerable.Repeat(o, matrix.RowPtr[o + 1] - matrix.RowPtr[o])).ToArray();
        using var row = Upload(rows);
        using var dValues = accelerator.Allocate1D<float>(matrix.Nnz);
        var weightGradient = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden2SparseWeightGradient);
        weightGradient(matrix.Nnz, row.View, column.View, dzs.View, xs.View, dValues.View, Batch);
        double[] denseGradient = Product(dz, x, 17, 23);
        double[] expectedValues = Enumerable.Range(0, matrix.Nnz).Select(k => denseGradient[rows[k] * 23 + matrix.ColIdx[k]]).ToArray();
        TensorAssert.Close(expectedValues, Download(dValues), 1e-5, 1e-4, "Hidden2SparseWeightGradient");

        CsrTransposeMap transpose = matrix.Transpose();
        using var columnStart = Upload(transpose.Ptr);
        using var transposedRow = Upload(transpose.Rows);
        using var transposedValue = Upload(transpose.Positions);
        using var dx = accelerator.Allocate1D<float>(23 * Batch);
        var inputGradient = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CheckMlp.GpuKernels.Hidden2SparseInputGradient);
        inputGradient(new Index2D(Batch, 23), columnStart.View, transposedRow.View, transposedValue.View, values.View, dzs.View, dx.View, Batch);
        TensorAssert.Close(TransposedProduct(reference.Weights(1), dz, 17, 23), Download(dx), 1e-5, 1e-4, "Hidden2SparseInputGradient");
    }

    private static (ReferenceNetwork Reference, List<double[]> Outputs, double[] Dy) Setup(CheckMlp network, int seed)
    {
        var reference = new ReferenceNetwork(network);
        var random = new Random(seed);
        var input = TensorAssert.Random(random, 19 * Batch);
        return (reference, reference.Forward(input, Batch), TensorAssert.Random(random, 23 * Batch));
    }

    /// <summary>dW[o,i] = Σ_b dz[o,b]·x[i,b].</summary>
    private static double[] Product(double[] dz, double[] x, int outputs, int inputs)
    {
        var result = new double[outputs * inputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                for (int b = 0; b < Batch; b++)
                {
                    result[o * inputs + i] += dz[o * Batch + b] * x[i * Batch + b];
                }
            }
        }

        return result;
    }

    /// <summary>dx[i,b] = Σ_o w[o,i]·dz[o,b].</summary>
    private static double[] TransposedProduct(double[] w, double[] dz, int outputs, int inputs)
    {
        var result = new double[inputs * Batch];
        for (int i = 0; i < inputs; i++)
        {
            for (int b = 0; b < Batch; b++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    result[i * Batch + b] += w[o * inputs + i] * dz[o * Batch + b];
                }
            }
        }

        return result;
    }

    private MemoryBuffer1D<float, Stride1D.Dense> Upload(float[] values) => accelerator.Allocate1D(values);

    private MemoryBuffer1D<float, Stride1D.Dense> Upload(double[] values) => accelerator.Allocate1D(values.Select(v => (float)v).ToArray());

    private MemoryBuffer1D<int, Stride1D.Dense> Upload(int[] values) => accelerator.Allocate1D(values);

    private float[] Download(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        accelerator.Synchronize();
        return buffer.GetAsArray1D();
    }
}
