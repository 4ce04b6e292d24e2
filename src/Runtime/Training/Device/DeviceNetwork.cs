using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// A generated network on an accelerator: the CPU network's layers (and their current parameters, so both backends
/// start from the same initialization) copied into device buffers and run through the generated GpuKernels.
/// Built by the generated <c>CreateDeviceNetwork(Accelerator)</c>; the CPU network is not touched until
/// <see cref="CopyToHost"/>.
/// </summary>
public sealed class DeviceNetwork : IDeviceTopology, IDisposable
{
    private readonly DeviceLayer[] layers;
    private readonly DeviceParameter[] parameters;

    public DeviceNetwork(Accelerator accelerator, ISparseNetwork network, IReadOnlyList<LayerKernels> kernels)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(kernels);
        Accelerator = accelerator;
        Host = network;
        var byName = kernels.ToDictionary(k => k.Layer, StringComparer.Ordinal);
        var built = new List<DeviceLayer>();
        try
        {
            foreach (var linear in network.Layers.OfType<Linear>())
            {
                if (!byName.TryGetValue(linear.Name, out var set))
                {
                    throw new ArgumentException($"no generated kernels for layer {linear.Name}", nameof(kernels));
                }

                built.Add(new DeviceLayer(accelerator, linear, set));
            }
        }
        catch
        {
            built.ForEach(l => l.Dispose());
            throw;
        }

        layers = [.. built];
        parameters = layers.SelectMany(l => new[] { l.Weights, l.Bias }).ToArray();
        if (parameters.Length != network.Parameters.Count)
        {
            Dispose();
            throw new ArgumentException($"the device network has {parameters.Length} parameters, the CPU network {network.Parameters.Count}", nameof(network));
        }
    }

    public Accelerator Accelerator { get; }

    /// <summary>The CPU network this was copied from (sizes, names, and where <see cref="CopyToHost"/> writes).</summary>
    public ISparseNetwork Host { get; }

    public int InputSize => Host.InputSize;

    public int OutputSize => Host.OutputSize;

    /// <summary>Every trainable array on the device, in the CPU network's <see cref="INetwork.Parameters"/> order.</summary>
    public IReadOnlyList<DeviceParameter> Parameters => parameters;

    /// <summary>Runs the batch <paramref name="input"/> [in, batch] and returns the output view [out, batch] (reused by the next call).</summary>
    public ArrayView<float> Forward(ArrayView<float> input, int batch)
    {
        ArrayView<float> x = input;
        foreach (var layer in layers)
        {
            x = layer.Forward(x, batch);
        }

        return x;
    }

    /// <summary>Back-propagates ∂loss/∂output [out, batch] (overwritten) from the last <see cref="Forward"/>, filling every gradient.</summary>
    public void Backward(ArrayView<float> outputGradient, int batch)
    {
        ArrayView<float> dy = outputGradient;
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            // The first layer's dx would be ∂loss/∂input: nobody needs it.
            dy = layers[i].Backward(dy, batch, needInputGradient: i > 0);
        }
    }

    /// <summary>Before a topology change on the host: every layer's values, gradients and optimizer state copied into the CPU network.</summary>
    public void DownloadForUpdate() =>
        DeviceLayers.DownloadForUpdate(Accelerator, layers);

    /// <summary>After a topology change on the host: the layers whose weight changed are uploaded again (indices, values, state).</summary>
    public void UploadAfterUpdate() =>
        DeviceLayers.UploadAfterUpdate(layers);

    /// <summary>After a checkpoint's restore into the host network: every layer's topology uploaded again (the parameters go up apart).</summary>
    internal void UploadTopology() =>
        DeviceLayers.UploadTopology(layers);

    /// <summary>
    /// RigL's dense gradient rows of every layer from the device's last backward, its input and ∂loss/∂z copied to the
    /// host now (a later forward cannot change them); looked up by the host layer.
    /// </summary>
    public Func<Linear, Sparse.DenseGradientRows> CaptureDenseGradients() =>
        DeviceLayers.CaptureDenseGradients(Accelerator, layers);

    Func<Linear, Sparse.DenseGradientRows> IDeviceTopology.CaptureDenseGradients(IReadOnlyList<Linear> only) =>
        DeviceLayers.CaptureDenseGradients(Accelerator, layers, only);

    /// <summary>Waits for the device, then copies every parameter's values and gradient into the CPU network.</summary>
    public void CopyToHost() =>
        DeviceLayers.CopyToHost(Accelerator, parameters);

    public void Dispose()
    {
        foreach (var layer in layers)
        {
            layer.Dispose();
        }
    }
}
