using ILGPU;
using ILGPU.Runtime;
using SparseDsl.Sparse;

namespace SparseDsl.Training.Device;

/// <summary>
/// The device twin of a host weight's <see cref="WeightFormat"/>: its index arrays in device buffers and the layer's
/// generated kernels of that storage, loaded. The values, gradient and optimizer state are the layer's
/// <see cref="DeviceParameter"/>'s; a storage only reads them. <see cref="Create"/> is the one place that maps a host
/// format to its device storage. Activations are feature-major [features, batch] as on the CPU.
/// </summary>
internal abstract class DeviceStorage : IDisposable
{
    protected DeviceStorage(int inputs, int outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    protected int Inputs { get; }

    protected int Outputs { get; }

    /// <summary>The storage of <paramref name="layer"/>'s current format, built before any buffer exists so a refusal leaks nothing.</summary>
    /// <param name="accelerator">The device.</param>
    /// <param name="layer">The host layer; its weight's format decides.</param>
    /// <param name="kernels">What the generator emitted for the layer.</param>
    /// <param name="previous">The storage this replaces after a topology change: its loaded kernels are reused when the kind (and tile) is the same.</param>
    /// <exception cref="NotSupportedException">The format has no device kernels in this build (one line, for the user).</exception>
    public static DeviceStorage Create(Accelerator accelerator, Linear layer, LayerKernels kernels, DeviceStorage? previous)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(kernels);
        switch (layer.Weight.Format)
        {
            case { IsDense: true }:
                return previous as DenseStorage ?? new DenseStorage(
                    accelerator, layer.Inputs, layer.Outputs, kernels.Dense ?? throw new ArgumentException($"{layer.Name} is dense but the generator emitted no dense kernels for it.", nameof(kernels)));
            // Unstructured (CsrFormat) and N:M (NOfMFormat, whose CPU kernels have no device twin yet) run as CSR.
            case { } format when format.AsCsr() is { } matrix:
                var sparse = kernels.Sparse ?? throw new ArgumentException($"{layer.Name} is sparse but the generator emitted no CSR kernels for it.", nameof(kernels));
                return new CsrStorage(accelerator, layer.Inputs, layer.Outputs, matrix, (previous as CsrStorage)?.Launch ?? IndexedLaunch.Load(accelerator, sparse.Forward, sparse.WeightGradient, sparse.InputGradient));
            case BlockCsrFormat block:
                if (previous is BlockCsrStorage same && same.TileRows == block.TileRows && same.TileCols == block.TileCols)
                {
                    return new BlockCsrStorage(accelerator, layer.Inputs, layer.Outputs, block, same.Launch);
                }

                var set = kernels.Blocks?.FirstOrDefault(b => b.TileRows == block.TileRows && b.TileCols == block.TileCols) ?? throw NoBlockKernels(layer, block, kernels);
                return new BlockCsrStorage(accelerator, layer.Inputs, layer.Outputs, block, IndexedLaunch.Load(accelerator, set.Forward, set.WeightGradient, set.InputGradient));
            default:
                throw new NotSupportedException($"{layer.Name} is stored as {layer.Weight.Format.GetType().Name}, which has no device kernels in this version; use --backend cpu");
        }
    }

    /// <summary>y[out, batch] = W · x[in, batch] + b, then the activation (the generated kernel applies it).</summary>
    public abstract void Forward(ArrayView<float> values, ArrayView<float> bias, ArrayView<float> x, ArrayView<float> y, int batch);

    /// <summary>dValues = ∂loss/∂(stored values) from dz [out, batch] and the forward input x [in, batch], overwritten.</summary>
    public abstract void WeightGradient(ArrayView<float> dz, ArrayView<float> x, ArrayView<float> dValues, int batch);

    /// <summary>dx[in, batch] = Wᵀ · dz[out, batch], overwritten.</summary>
    public abstract void InputGradient(ArrayView<float> values, ArrayView<float> dz, ArrayView<float> dx, int batch);

    public virtual void Dispose()
    {
    }

    /// <summary>
    /// A block or rows pattern given in code (NetworkOptions) rather than by the model's [Sparse] or a 'pattern' grid
    /// axis of an experiment in the model's project: the build never saw its tile size, so no kernel has it baked in.
    /// </summary>
    private static NotSupportedException NoBlockKernels(Linear layer, BlockCsrFormat block, LayerKernels kernels)
    {
        string pattern = layer.Weight.Layout.Pattern == Language.PatternKind.Rows ? "rows" : $"block {block.TileRows}x{block.TileCols}";
        string built = kernels.Blocks is { Count: > 0 } sets
            ? "device kernels for tile sizes " + string.Join(", ", sets.Select(s => $"{s.TileRows}x{s.TileCols}")) + " only"
            : "no block-CSR device kernels for it";
        return new NotSupportedException(
            $"{layer.Name} is a {pattern} layer, but the build generated {built} (from its [Sparse] and the 'pattern' grid axes naming its model); add the pattern to a [Grid(\"pattern\", ...)] of the experiment, or use --backend cpu");
    }
}

/// <summary>The loaded kernels of an indexed storage (CSR or block-CSR: the generated signatures are the same).</summary>
internal sealed record IndexedLaunch(
    Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Forward,
    Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> WeightGradient,
    Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> InputGradient)
{
    public static IndexedLaunch Load(
        Accelerator accelerator,
        Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> forward,
        Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> weightGradient,
        Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> inputGradient) =>
        new(accelerator.LoadAutoGroupedStreamKernel(forward), accelerator.LoadAutoGroupedStreamKernel(weightGradient), accelerator.LoadAutoGroupedStreamKernel(inputGradient));
}

/// <summary>A dense weight [out, in] row-major: three products, no index arrays.</summary>
internal sealed class DenseStorage : DeviceStorage
{
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> forward;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> weightGradient;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> inputGradient;

    public DenseStorage(Accelerator accelerator, int inputs, int outputs, DenseKernelSet set)
        : base(inputs, outputs)
    {
        forward = accelerator.LoadAutoGroupedStreamKernel(set.Forward);
        weightGradient = accelerator.LoadAutoGroupedStreamKernel(set.WeightGradient);
        inputGradient = accelerator.LoadAutoGroupedStreamKernel(set.InputGradient);
    }

    public override void Forward(ArrayView<float> values, ArrayView<float> bias, ArrayView<float> x, ArrayView<float> y, int batch) =>
        forward(new Index2D(batch, Outputs), values, bias, x, y, batch);

    public override void WeightGradient(ArrayView<float> dz, ArrayView<float> x, ArrayView<float> dValues, int batch) =>
        weightGradient(new Index2D(Inputs, Outputs), dz, x, dValues, batch);

    public override void InputGradient(ArrayView<float> values, ArrayView<float> dz, ArrayView<float> dx, int batch) =>
        inputGradient(new Index2D(batch, Inputs), values, dz, dx, batch);
}

/// <summary>
/// A CSR weight: its index arrays, plus the per-value row the weight-gradient kernel needs and the transpose map of the
/// dX gather (the device gathers by column, no atomics, so it keeps the map the CPU's scatter does without).
/// </summary>
internal sealed class CsrStorage : DeviceStorage
{
    private readonly int nnz;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> rowStart;        // [out + 1]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> column;          // [nnz]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> row;             // [nnz]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> columnStart;     // [in + 1]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> transposedRow;   // [nnz]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> transposedValue; // [nnz]

    public CsrStorage(Accelerator accelerator, int inputs, int outputs, CsrMatrix matrix, IndexedLaunch launch)
        : base(inputs, outputs)
    {
        Launch = launch;
        nnz = matrix.Nnz;
        var rows = new int[matrix.Nnz];
        for (int o = 0; o < matrix.Rows; o++)
        {
            Array.Fill(rows, o, matrix.RowPtr[o], matrix.RowPtr[o + 1] - matrix.RowPtr[o]);
        }

        CsrTransposeMap transpose = matrix.Transpose();
        rowStart = accelerator.Allocate1D(matrix.RowPtr);
        column = accelerator.Allocate1D(matrix.ColIdx);
        row = accelerator.Allocate1D(rows);
        columnStart = accelerator.Allocate1D(transpose.Ptr);
        transposedRow = accelerator.Allocate1D(transpose.Rows);
        transposedValue = accelerator.Allocate1D(transpose.Positions);
    }

    public IndexedLaunch Launch { get; }

    public override void Forward(ArrayView<float> values, ArrayView<float> bias, ArrayView<float> x, ArrayView<float> y, int batch) =>
        Launch.Forward(new Index2D(batch, Outputs), rowStart.View, column.View, values, bias, x, y, batch);

    public override void WeightGradient(ArrayView<float> dz, ArrayView<float> x, ArrayView<float> dValues, int batch) =>
        Launch.WeightGradient(nnz, row.View, column.View, dz, x, dValues, batch);

    public override void InputGradient(ArrayView<float> values, ArrayView<float> dz, ArrayView<float> dx, int batch) =>
        Launch.InputGradient(new Index2D(batch, Inputs), columnStart.View, transposedRow.View, transposedValue.View, values, dz, dx, batch);

    public override void Dispose()
    {
        rowStart.Dispose();
        column.Dispose();
        row.Dispose();
        columnStart.Dispose();
        transposedRow.Dispose();
        transposedValue.Dispose();
    }
}
