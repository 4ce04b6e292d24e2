using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>The generated dense kernels of one layer (GpuKernels.{Layer}Dense*), as method groups.</summary>
/// <param name="Forward">(b, o) over [batch, out]: w, bias, x, y, batch.</param>
/// <param name="WeightGradient">(i, o) over [in, out]: dz, x, dw, batch.</param>
/// <param name="InputGradient">(b, i) over [batch, in]: w, dz, dx, batch.</param>
public sealed record DenseKernelSet(
    Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Forward,
    Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> WeightGradient,
    Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> InputGradient);

/// <summary>The generated CSR kernels of one layer (GpuKernels.{Layer}Sparse*), as method groups.</summary>
/// <param name="Forward">(b, o) over [batch, out]: rowStart, column, values, bias, x, y, batch.</param>
/// <param name="WeightGradient">k over the stored values: row, column, dz, x, dValues, batch.</param>
/// <param name="InputGradient">(b, i) over [batch, in]: columnStart, transposedRow, transposedValue, values, dz, dx, batch.</param>
public sealed record SparseKernelSet(
    Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Forward,
    Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> WeightGradient,
    Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> InputGradient);

/// <summary>
/// The generated block-CSR kernels of one layer for one tile size (GpuKernels.{Layer}Block{R}x{C}* or {Layer}Rows*),
/// with R and C baked in; the index arrays are <see cref="Sparse.BlockCsrFormat"/>'s.
/// </summary>
/// <param name="TileRows">R: the tile's outputs.</param>
/// <param name="TileCols">C: the tile's inputs (the layer's In for rows).</param>
/// <param name="Forward">(b, o) over [batch, out]: blockRowStart, blockColumn, values, bias, x, y, batch.</param>
/// <param name="WeightGradient">t over the stored values (tiles · R · C): tileRow (each tile's block-row), blockColumn, dz, x, dValues, batch.</param>
/// <param name="InputGradient">(b, i) over [batch, in]: blockColumnStart, transposedBlockRow, transposedTile (the tile transpose map), values, dz, dx, batch.</param>
public sealed record BlockKernelSet(
    int TileRows,
    int TileCols,
    Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Forward,
    Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> WeightGradient,
    Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> InputGradient);

/// <summary>
/// Everything the generator emitted for one weight layer. Which storage set is used is decided at run time by the
/// format the CPU network built (<see cref="Sparse.WeightFormats.Create(Sparse.UnitLayout, ReadOnlySpan{int}, float[])"/>: dense, CSR or block-CSR), so a layer that
/// can be several passes each.
/// </summary>
/// <param name="Layer">The declared layer name, matched against <see cref="Layer.Name"/>.</param>
/// <param name="BiasGradient">o over [out]: dz, db, batch.</param>
/// <param name="ActivationBackward">j over [out · batch]: y, dy (in place); null for a linear layer.</param>
/// <param name="Dense">Null when the layer can never be dense.</param>
/// <param name="Sparse">Null when the layer can never be CSR (unstructured or N:M).</param>
/// <param name="Blocks">
/// One set per tile size the build knows the layer can take (its own block or rows pattern, or those of the 'pattern'
/// grid axes naming its model); null when none.
/// </param>
public sealed record LayerKernels(
    string Layer,
    Action<Index1D, ArrayView<float>, ArrayView<float>, int> BiasGradient,
    Action<Index1D, ArrayView<float>, ArrayView<float>>? ActivationBackward,
    DenseKernelSet? Dense,
    SparseKernelSet? Sparse,
    IReadOnlyList<BlockKernelSet>? Blocks = null);

/// <summary>A generated network that can put itself on an accelerator (what <c>CreateDeviceNetwork</c> is).</summary>
public interface IDeviceNetworkSource
{
    /// <summary>Copies this network's current parameters into device buffers on <paramref name="accelerator"/>.</summary>
    DeviceNetwork CreateDeviceNetwork(Accelerator accelerator);
}

/// <summary>A generated language model that can put itself on an accelerator (what its <c>CreateDeviceNetwork</c> is).</summary>
public interface IDeviceTokenNetworkSource
{
    /// <summary>Copies this network's current parameters into device buffers on <paramref name="accelerator"/>.</summary>
    DeviceTokenNetwork CreateDeviceNetwork(Accelerator accelerator);
}
