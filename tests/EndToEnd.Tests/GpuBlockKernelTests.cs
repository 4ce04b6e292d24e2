using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using SparseDsl.Language;
using SparseDsl.Sparse;
using SparseDsl.Training;
using SparseDsl.Training.Device;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// The generated block-CSR kernels (the tiles <see cref="GridBlockStudy"/>'s 'pattern' axis gives GridBlockMlp's hidden
/// layer: square, non-square and whole rows), run on ILGPU's CPU accelerator against a float64 reference on fresh random
/// inputs: forward with the activation, dW at the stored tiles only, dX through the tile transpose map.
/// </summary>
public sealed class GpuBlockKernelTests : IDisposable
{
    private const int Batch = 5;
    private const int In = 32;
    private const int Out = 24;
    private readonly Context context = Context.Create(builder => builder.CPU().EnableAlgorithms());
    private readonly Accelerator accelerator;

    public GpuBlockKernelTests() => accelerator = context.CreateCPUAccelerator(0);

    public void Dispose()
    {
        accelerator.Dispose();
        context.Dispose();
    }

    [Theory]
    [InlineData("block 4x4", 4, 4)]
    [InlineData("block 2x8", 2, 8)]
    [InlineData("rows", 1, In)]
    public void BlockKernels_MatchFloat64Reference(string patternText, int tileRows, int tileCols)
    {
        var pattern = Expressions.ParsePattern(patternText).Value!;
        var network = new GridBlockMlp(new NetworkOptions(0.5, Distribution.Uniform, 31, pattern));
        var layer = (Linear)network.Hidden;
        var format = Assert.IsType<BlockCsrFormat>(layer.Weight.Format);
        Assert.Equal((tileRows, tileCols), (format.TileRows, format.TileCols));
        Assert.InRange(format.Tiles, 1, format.BlockRows * format.BlockCols - 1);
        BlockKernelSet kernels = Kernels(patternText);
        double[] w = layer.ToDenseWeights().Select(v => (double)v).ToArray(); // [24, 32]
        var random = new Random(tileRows * 100 + tileCols);
        double[] x = TensorAssert.Random(random, In * Batch);  // [32, batch]
        double[] dz = TensorAssert.Random(random, Out * Batch); // [24, batch], ∂loss/∂z past the activation

        using var blockRowStart = accelerator.Allocate1D(format.BlockRowPtr);
        using var blockColumn = accelerator.Allocate1D(format.BlockColIdx);
        using var values = accelerator.Allocate1D(format.Values);
        using var bias = accelerator.Allocate1D(layer.Bias);
        using var xs = Upload(x);
        using var ys = accelerator.Allocate1D<float>(Out * Batch);
        var forward = accelerator.LoadAutoGroupedStreamKernel(kernels.Forward);
        forward(new Index2D(Batch, Out), blockRowStart.View, blockColumn.View, values.View, bias.View, xs.View, ys.View, Batch);
        double[] expectedY = Affine(w, layer.Bias, x).Select(v => Math.Max(v, 0)).ToArray();
        TensorAssert.Close(expectedY, Download(ys), 1e-5, 1e-4, patternText + " Forward (relu)");

        // Each tile's block-row, as the device keeps it for the weight gradient.
        int[] tileRow = Enumerable.Range(0, format.BlockRows).SelectMany(br => Enumerable.Repeat(br, format.BlockRowPtr[br + 1] - format.BlockRowPtr[br])).ToArray();
        using var tileRowBuffer = accelerator.Allocate1D(tileRow);
        using var dzs = Upload(dz);
        using var dValues = accelerator.Allocate1D<float>(format.StoredValues);
        var weightGradient = accelerator.LoadAutoGroupedStreamKernel(kernels.WeightGradient);
        weightGradient(format.StoredValues, tileRowBuffer.View, blockColumn.View, dzs.View, xs.View, dValues.View, Batch);
        // The stored gradient, scattered by the format's own layout, is the dense dW at the active positions and 0 elsewhere.
        var scattered = new float[Out * In];
        format.Scatter(Download(dValues), scattered);
        var mask = new float[Out * In];
        format.Scatter(Enumerable.Repeat(1f, format.StoredValues).ToArray(), mask);
        double[] expectedDw = Gradient(dz, x).Select((g, j) => mask[j] == 1f ? g : 0).ToArray();
        TensorAssert.Close(expectedDw, scattered, 1e-5, 1e-4, patternText + " WeightGradient");

        using var blockColumnStart = accelerator.Allocate1D(format.TransposePtr);
        using var transposedBlockRow = accelerator.Allocate1D(format.TransposeBlockRows);
        using var transposedTile = accelerator.Allocate1D(format.TransposeTiles);
        using var dx = accelerator.Allocate1D<float>(In * Batch);
        var inputGradient = accelerator.LoadAutoGroupedStreamKernel(kernels.InputGradient);
        inputGradient(new Index2D(Batch, In), blockColumnStart.View, transposedBlockRow.View, transposedTile.View, values.View, dzs.View, dx.View, Batch);
        TensorAssert.Close(TransposedProduct(w, dz), Download(dx), 1e-5, 1e-4, patternText + " InputGradient");
    }

    [Fact]
    public void BlockPatternTheBuildNeverSaw_IsRefusedInOneLine()
    {
        // 8×8 tiles fit the hidden layer, but neither its [Sparse] nor a 'pattern' grid value names them: no kernel has them baked in.
        var host = new GridBlockMlp(new NetworkOptions(0.5, Distribution.Uniform, 1, Expressions.ParsePattern("block 8x8").Value!));
        var refused = Assert.Throws<NotSupportedException>(() => host.CreateDeviceNetwork(accelerator));
        Assert.Equal(
            "Hidden is a block 8x8 layer, but the build generated device kernels for tile sizes 1x32, 2x8, 4x4 only (from its [Sparse] and the 'pattern' grid axes naming its model); add the pattern to a [Grid(\"pattern\", ...)] of the experiment, or use --backend cpu",
            refused.Message);
    }

    /// <summary>The generated set of one tile size, as CreateDeviceNetwork binds it.</summary>
    private static BlockKernelSet Kernels(string pattern) => pattern switch
    {
        "block 4x4" => new(4, 4, GridBlockMlp.GpuKernels.HiddenBlock4x4Forward, GridBlockMlp.GpuKernels.HiddenBlock4x4WeightGradient, GridBlockMlp.GpuKernels.HiddenBlock4x4InputGradient),
        "block 2x8" => new(2, 8, GridBlockMlp.GpuKernels.HiddenBlock2x8Forward, GridBlockMlp.GpuKernels.HiddenBlock2x8WeightGradient, GridBlockMlp.GpuKernels.HiddenBlock2x8InputGradient),
        _ => new(1, In, GridBlockMlp.GpuKernels.HiddenRowsForward, GridBlockMlp.GpuKernels.HiddenRowsWeightGradient, GridBlockMlp.GpuKernels.HiddenRowsInputGradient),
    };

    /// <summary>z[o,b] = Σ_i w[o,i]·x[i,b] + bias[o].</summary>
    private static double[] Affine(double[] w, float[] bias, double[] x)
    {
        var z = new double[Out * Batch];
        for (int o = 0; o < Out; o++)
        {
            for (int b = 0; b < Batch; b++)
            {
                double sum = bias[o];
                for (int i = 0; i < In; i++)
                {
                    sum += w[o * In + i] * x[i * Batch + b];
                }

                z[o * Batch + b] = sum;
            }
        }

        return z;
    }

    /// <summary>dW[o,i] = Σ_b dz[o,b]·x[i,b], dense.</summary>
    private static double[] Gradient(double[] dz, double[] x)
    {
        var dw = new double[Out * In];
        for (int o = 0; o < Out; o++)
        {
            for (int i = 0; i < In; i++)
            {
                for (int b = 0; b < Batch; b++)
                {
                    dw[o * In + i] += dz[o * Batch + b] * x[i * Batch + b];
                }
            }
        }

        return dw;
    }

    /// <summary>dx[i,b] = Σ_o w[o,i]·dz[o,b].</summary>
    private static double[] TransposedProduct(double[] w, double[] dz)
    {
        var dx = new double[In * Batch];
        for (int i = 0; i < In; i++)
        {
            for (int b = 0; b < Batch; b++)
            {
                for (int o = 0; o < Out; o++)
                {
                    dx[i * Batch + b] += w[o * In + i] * dz[o * Batch + b];
                }
            }
        }

        return dx;
    }

    private MemoryBuffer1D<float, Stride1D.Dense> Upload(double[] values) => accelerator.Allocate1D(values.Select(v => (float)v).ToArray());

    private float[] Download(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        accelerator.Synchronize();
        return buffer.GetAsArray1D();
    }
}
