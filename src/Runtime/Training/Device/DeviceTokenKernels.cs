using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// <see cref="TransformerKernels"/> (and the loss) loaded once on an accelerator, shared by every block of a
/// <see cref="DeviceTokenNetwork"/>. Each delegate's first argument is the launch size; the rest are the kernel's.
/// </summary>
internal sealed class DeviceTokenKernels(Accelerator accelerator)
{
    public Action<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> EmbeddingForward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.EmbeddingForward);

    public Action<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> EmbeddingBackward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.EmbeddingBackward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, int, int> NormForward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, int, int>(TransformerKernels.NormForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> NormInputGradient { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.NormInputGradient);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> NormParameterGradient { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(TransformerKernels.NormParameterGradient);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float> Rotary { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float>(TransformerKernels.Rotary);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> AttentionForward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> AttentionBackwardRows { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionBackwardRows);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> AttentionBackwardColumns { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionBackwardColumns);

    public Action<Index1D, ArrayView<float>, ArrayView<float>> GeluForward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(TransformerKernels.GeluForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> GeluBackward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.GeluBackward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> SwiGluForward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.SwiGluForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> SwiGluBackward { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.SwiGluBackward);

    /// <summary>y += x over the launch's elements.</summary>
    public Action<Index1D, ArrayView<float>, ArrayView<float>> ResidualAdd { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(TransformerKernels.ResidualAdd);

    public Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> HeadLogits { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(TransformerKernels.HeadLogits);

    public Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> HeadInputGradient { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(TransformerKernels.HeadInputGradient);

    public Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> HeadTableGradient { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(TransformerKernels.HeadTableGradient);

    /// <summary>The first <paramref name="length"/> elements of <paramref name="source"/> into <paramref name="target"/> (a residual's copy).</summary>
    public static void Copy(ArrayView<float> source, ArrayView<float> target, long length) =>
        source.SubView(0, length).CopyTo(target.SubView(0, length));

    /// <summary>A scratch buffer of at least <paramref name="length"/> elements, reallocated only when it must grow.</summary>
    public static ArrayView<T> Ensure<T>(Accelerator accelerator, ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length)
        where T : unmanaged
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = accelerator.Allocate1D<T>(Math.Max(1, length));
        }

        return buffer.View;
    }
}
