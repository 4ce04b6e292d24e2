using ILGPU.Runtime;
using SparseDsl.Sparse;

namespace SparseDsl.Training.Device;

/// <summary>
/// What a device network does around a topology update that runs on the host (both model kinds; the hook is
/// <see cref="Trainer.TopologyHook"/>): RigL's gradient sources copied off first, values and state downloaded, the
/// changed weights uploaded after.
/// </summary>
internal interface IDeviceTopology
{
    /// <summary>RigL's gradient sources of the layers over <paramref name="only"/> (those the schedule updates), copied off now.</summary>
    Func<Linear, DenseGradientRows> CaptureDenseGradients(IReadOnlyList<Linear> only);

    void DownloadForUpdate();

    void UploadAfterUpdate();
}

/// <summary>What both device networks do over their weight layers around a host-side topology change or a checkpoint.</summary>
internal static class DeviceLayers
{
    /// <summary>Every layer's values, gradients and optimizer state copied into the host network (after the device is done).</summary>
    public static void DownloadForUpdate(Accelerator accelerator, IEnumerable<DeviceLayer> layers)
    {
        accelerator.Synchronize();
        foreach (var layer in layers)
        {
            layer.DownloadForUpdate();
        }
    }

    /// <summary>The layers whose host weight changed uploaded again (indices, values, state).</summary>
    public static void UploadAfterUpdate(IEnumerable<DeviceLayer> layers)
    {
        foreach (var layer in layers)
        {
            layer.UploadAfterUpdate();
        }
    }

    /// <summary>Every layer's topology uploaded from its host weight, whatever its version (a restored checkpoint's).</summary>
    public static void UploadTopology(IEnumerable<DeviceLayer> layers)
    {
        foreach (var layer in layers)
        {
            layer.UploadTopology();
        }
    }

    /// <summary>
    /// RigL's dense gradient rows of every layer from the device's last backward, its input and ∂loss/∂z copied to the
    /// host now (a later forward cannot change them); looked up by the host layer.
    /// </summary>
    public static Func<Linear, DenseGradientRows> CaptureDenseGradients(Accelerator accelerator, IEnumerable<DeviceLayer> layers, IReadOnlyList<Linear>? only = null)
    {
        accelerator.Synchronize();
        // Only the layers the schedule updates: the copies are each layer's input and ∂loss/∂z of the whole batch.
        var wanted = only is null ? null : new HashSet<Linear>(only, ReferenceEqualityComparer.Instance);
        var captured = layers.Where(l => wanted?.Contains(l.Host) ?? true).ToDictionary(l => l.Host, l => l.CaptureDenseGradient());
        return layer => captured[layer];
    }

    /// <summary>Waits for the device, then copies every parameter's values and gradient into the host network.</summary>
    public static void CopyToHost(Accelerator accelerator, IEnumerable<DeviceParameter> parameters)
    {
        accelerator.Synchronize();
        foreach (var parameter in parameters)
        {
            parameter.CopyToHost();
        }
    }
}
