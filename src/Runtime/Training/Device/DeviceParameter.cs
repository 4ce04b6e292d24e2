using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// A <see cref="Parameter"/>'s values and gradient in device buffers. The host parameter stays the source of its
/// name, decay flag and density; its arrays are only written by <see cref="CopyToHost"/>.
/// </summary>
public sealed class DeviceParameter : IDisposable
{
    internal DeviceParameter(Accelerator accelerator, Parameter host)
    {
        Host = host;
        Values = accelerator.Allocate1D(host.Values);
        Grad = accelerator.Allocate1D<float>(host.Length);
    }

    public Parameter Host { get; }

    public int Length => Host.Length;

    public MemoryBuffer1D<float, Stride1D.Dense> Values { get; }

    public MemoryBuffer1D<float, Stride1D.Dense> Grad { get; }

    /// <summary>Copies the device values and gradient back into <see cref="Host"/>'s arrays.</summary>
    public void CopyToHost()
    {
        Values.View.CopyToCPU(Host.Values);
        Grad.View.CopyToCPU(Host.Grad);
    }

    public void Dispose()
    {
        Values.Dispose();
        Grad.Dispose();
    }
}
