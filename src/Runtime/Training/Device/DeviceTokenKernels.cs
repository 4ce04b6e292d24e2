using ILGPU;
using ILGPU.Runtime;
using SparseDsl.Kernels;

namespace SparseDsl.Training.Device;

/// <summary>
/// <see cref="TransformerKernels"/> loaded once on an accelerator, shared by every block of a
/// <see cref="DeviceTokenNetwork"/>: the ops of the orchestration both backends share (<see cref="BlockPass{T}"/>), and
/// the embedding and head kernels the network calls. Each delegate's first argument is the launch size; the rest are
/// the kernel's. Holds the rotary table (when the model has one) and the attention backward's score gradients.
/// </summary>
internal sealed class DeviceTokenKernels(Accelerator accelerator, RotaryTable? rotary) : ITokenOps<ArrayView<float>>, IDisposable
{
    private MemoryBuffer1D<float, Stride1D.Dense>? dScores; // [B, H, T, T], one block's at a time

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

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float> RotaryKernel { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float>(TransformerKernels.Rotary);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> AttentionForwardKernel { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> AttentionBackwardRows { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionBackwardRows);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> AttentionBackwardColumns { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(TransformerKernels.AttentionBackwardColumns);

    public Action<Index1D, ArrayView<float>, ArrayView<float>> GeluForwardKernel { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(TransformerKernels.GeluForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> GeluBackwardKernel { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.GeluBackward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> SwiGluForwardKernel { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(TransformerKernels.SwiGluForward);

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> SwiGluBackwardKernel { get; } =
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

    // Allocated after every kernel above has loaded (initializers run in order), so a kernel that fails to compile
    // leaves no buffer behind.
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? rotaryCos = rotary is null ? null : accelerator.Allocate1D(rotary.Cos); // [hd/2, T]
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? rotarySin = rotary is null ? null : accelerator.Allocate1D(rotary.Sin); // [hd/2, T]

    public IScratch<ArrayView<float>> NewScratch(int slots) => new DeviceScratch(accelerator, slots);

    public void Copy(ArrayView<float> source, ArrayView<float> target, long length) =>
        source.SubView(0, length).CopyTo(target.SubView(0, length));

    public void Add(ArrayView<float> target, ArrayView<float> addend, long length) => ResidualAdd(checked((int)length), target, addend);

    public void GeluForward(ArrayView<float> x, ArrayView<float> y, long count) => GeluForwardKernel(checked((int)count), x, y);

    public void GeluBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, long count) => GeluBackwardKernel(checked((int)count), x, dy, dx);

    public void SwiGluForward(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, long count) => SwiGluForwardKernel(checked((int)count), a, b, y);

    public void SwiGluBackward(ArrayView<float> a, ArrayView<float> b, ArrayView<float> dy, ArrayView<float> da, ArrayView<float> db, long count) =>
        SwiGluBackwardKernel(checked((int)count), a, b, dy, da, db);

    public void Rotate(ArrayView<float> x, int width, int tokens, bool inverse)
    {
        var (cos, sin) = (rotaryCos ?? throw new InvalidOperationException("rotary positions without a rotary table"), rotarySin!);
        RotaryKernel(width / 2 * tokens, x, cos.View, sin.View, tokens, rotary!.HeadDim, rotary.Context, inverse ? -1f : 1f);
    }

    public void AttentionForward(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> output, ArrayView<float> probabilities, int width, int heads, int tokens, int context) =>
        AttentionForwardKernel(tokens / context * heads * context, q, k, v, output, probabilities, heads, width / heads, tokens, context);

    public void AttentionBackward(
        ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> probabilities, ArrayView<float> dOutput,
        ArrayView<float> dq, ArrayView<float> dk, ArrayView<float> dv, int width, int heads, int tokens, int context)
    {
        int rows = tokens / context * heads * context;
        var ds = Ensure(accelerator, ref dScores, CausalSelfAttention.ProbabilitiesLength(heads, tokens, context));
        AttentionBackwardRows(rows, k, v, probabilities, dOutput, ds, dq, heads, width / heads, tokens, context);
        AttentionBackwardColumns(rows, q, probabilities, ds, dOutput, dk, dv, heads, width / heads, tokens, context);
    }

    public void Dispose()
    {
        rotaryCos?.Dispose();
        rotarySin?.Dispose();
        dScores?.Dispose();
    }

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

    /// <summary>The device's scratch: one buffer per slot.</summary>
    private sealed class DeviceScratch(Accelerator accelerator, int slots) : IScratch<ArrayView<float>>
    {
        private readonly MemoryBuffer1D<float, Stride1D.Dense>?[] buffers = new MemoryBuffer1D<float, Stride1D.Dense>?[slots];

        public ArrayView<float> Get(int slot, long length) => Ensure(accelerator, ref buffers[slot], length);

        public void Dispose()
        {
            foreach (var buffer in buffers)
            {
                buffer?.Dispose();
            }
        }
    }
}
