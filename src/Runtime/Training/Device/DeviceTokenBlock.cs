using ILGPU;

namespace SparseDsl.Training.Device;

/// <summary>
/// One pre-norm transformer block on the device: its norms and matrices, run by the orchestration both backends share
/// (<see cref="BlockPass{T}"/>) over the device's kernels. Each matrix is a <see cref="DeviceLayer"/> over its host
/// <see cref="Linear"/> (dense, CSR or block-CSR as the host's format is), so topology updates reach it as they reach
/// an MLP layer.
/// </summary>
internal sealed class DeviceTokenBlock : IDisposable
{
    private readonly DeviceTokenNorm norm1, norm2;
    private readonly BlockPass<ArrayView<float>> pass;

    public DeviceTokenBlock(
        ILGPU.Runtime.Accelerator accelerator, DeviceTokenKernels kernels, TransformerBlockParts host, int context,
        LayerKernels attentionKernels, LayerKernels upKernels, LayerKernels downKernels)
    {
        var m = host.Matrices;
        var built = new List<IDisposable>();
        T Track<T>(T item)
            where T : IDisposable
        {
            built.Add(item);
            return item;
        }

        try
        {
            norm1 = Track(new DeviceTokenNorm(accelerator, kernels, host.Norm1));
            norm2 = Track(new DeviceTokenNorm(accelerator, kernels, host.Norm2));
            Layers = [.. m.Select((matrix, i) => Track(new DeviceLayer(
                accelerator, matrix, i < 4 ? attentionKernels : matrix == m[^1] ? downKernels : upKernels)))];
        }
        catch
        {
            built.ForEach(b => b.Dispose()); // a refused format must not leak the buffers built before it
            throw;
        }

        pass = new BlockPass<ArrayView<float>>(kernels, norm1, norm2, Layers, m[0].Outputs, m[4].Outputs, host.Heads, context, host.Rotary is not null);
    }

    /// <summary>The block's passes, for the network's orchestration.</summary>
    public BlockPass<ArrayView<float>> Pass => pass;

    /// <summary>Q, K, V, O, Up, (Gate,) Down, as the host block lists them.</summary>
    public IReadOnlyList<DeviceLayer> Layers { get; }

    /// <summary>Every device parameter: the norms' and each matrix's weights and bias.</summary>
    public IEnumerable<DeviceParameter> Parameters =>
        norm1.Parameters.Concat(norm2.Parameters).Concat(Layers.SelectMany(l => new[] { l.Weights, l.Bias }));

    public IEnumerable<DeviceTokenNorm> Norms => [norm1, norm2];

    /// <summary>y [D, N] from x [D, N]; x must stay unchanged until <see cref="Backward"/>.</summary>
    public ArrayView<float> Forward(ArrayView<float> x, int tokens) => pass.Forward(x, tokens);

    /// <summary>From ∂loss/∂y [D, N], every gradient of the block; returns ∂loss/∂x [D, N].</summary>
    public ArrayView<float> Backward(ArrayView<float> dy, int tokens) => pass.Backward(dy, tokens);

    public void Dispose()
    {
        pass.Dispose();
        norm1.Dispose();
        norm2.Dispose();
        foreach (var layer in Layers)
        {
            layer.Dispose();
        }
    }
}
