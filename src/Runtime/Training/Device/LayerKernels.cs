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
/// Everything the generator emitted for one weight layer. Which storage set is used is decided at run time by the
/// layer the CPU network built (dense at density 1, CSR below), so a layer that can be either passes both.
/// </summary>
/// <param name="Layer">The declared layer name, matched against <see cref="Layer.Name"/>.</param>
/// <param name="BiasGradient">o over [out]: dz, db, batch.</param>
/// <param name="ActivationBackward">j over [out · batch]: y, dy (in place); null for a linear layer.</param>
/// <param name="Dense">Null when the layer can never be dense.</param>
/// <param name="Sparse">Null when the layer can never be sparse.</param>
public sealed record LayerKernels(
    string Layer,
    Action<Index1D, ArrayView<float>, ArrayView<float>, int> BiasGradient,
    Action<Index1D, ArrayView<float>, ArrayView<float>>? ActivationBackward,
    DenseKernelSet? Dense,
    SparseKernelSet? Sparse);

/// <summary>A generated network that can put itself on an accelerator (what <c>CreateDeviceNetwork</c> is).</summary>
public interface IDeviceNetworkSource
{
    /// <summary>Copies this network's current parameters into device buffers on <paramref name="accelerator"/>.</summary>
    DeviceNetwork CreateDeviceNetwork(Accelerator accelerator);
}
