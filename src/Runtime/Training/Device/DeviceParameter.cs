using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// A <see cref="Parameter"/> on the device: its values, gradient and optimizer state (slots, and per-value steps with
/// SMET) in device buffers, owned here as the host parameter owns its arrays. The host parameter stays the source of
/// its name, decay flag and density. A topology change runs on the host (<see cref="DownloadAll"/>, the change,
/// <see cref="UploadAll"/>), which re-sizes every buffer together.
/// </summary>
public sealed class DeviceParameter : IDisposable
{
    private readonly Accelerator accelerator;
    private MemoryBuffer1D<float, Stride1D.Dense>[] slots = [];

    internal DeviceParameter(Accelerator accelerator, Parameter host)
    {
        this.accelerator = accelerator;
        Host = host;
        Values = accelerator.Allocate1D(host.Values);
        Grad = accelerator.Allocate1D<float>(host.Length);
    }

    public Parameter Host { get; }

    /// <summary>Values on the device (the host's length since the last upload).</summary>
    public int Length => (int)Values.Length;

    public MemoryBuffer1D<float, Stride1D.Dense> Values { get; private set; }

    public MemoryBuffer1D<float, Stride1D.Dense> Grad { get; private set; }

    /// <summary>Optimizer state slots (m and v, or momentum), each <see cref="Length"/> long.</summary>
    public IReadOnlyList<MemoryBuffer1D<float, Stride1D.Dense>> Slots => slots;

    /// <summary>Each value's step count (SMET's per-weight steps), or null with a shared step.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense>? Steps { get; private set; }

    /// <summary>Bytes of optimizer state on the device.</summary>
    public long StateBytes => (long)Length * (slots.Length * sizeof(float) + (Steps is null ? 0 : sizeof(int)));

    /// <summary>Fresh zero optimizer state: <paramref name="slotCount"/> slots, and per-value steps when asked.</summary>
    internal void AllocateState(int slotCount, bool perWeightSteps)
    {
        DisposeState();
        slots = new MemoryBuffer1D<float, Stride1D.Dense>[slotCount];
        for (int s = 0; s < slotCount; s++)
        {
            slots[s] = accelerator.Allocate1D<float>(Length);
            slots[s].MemSetToZero();
        }

        if (perWeightSteps)
        {
            Steps = accelerator.Allocate1D<int>(Length);
            Steps.MemSetToZero();
        }
    }

    /// <summary>Copies the device values and gradient back into <see cref="Host"/>'s arrays.</summary>
    public void CopyToHost()
    {
        Values.View.CopyToCPU(Host.Values);
        Grad.View.CopyToCPU(Host.Grad);
    }

    /// <summary>Values, gradient and optimizer state into the host parameter (its state arrays made to match), before a topology change there.</summary>
    internal void DownloadAll()
    {
        CopyToHost();
        Host.AllocateState(slots.Length, Steps is not null);
        for (int s = 0; s < slots.Length; s++)
        {
            slots[s].View.CopyToCPU(Host.Slots[s]);
        }

        Steps?.View.CopyToCPU(Host.Steps!);
    }

    /// <summary>The host parameter's values and state after a topology change, into buffers of its new length (gradient zeroed).</summary>
    internal void UploadAll()
    {
        int slotCount = slots.Length;
        bool perWeightSteps = Steps is not null;
        Values.Dispose();
        Grad.Dispose();
        Values = accelerator.Allocate1D(Host.Values);
        Grad = accelerator.Allocate1D<float>(Host.Length);
        Grad.MemSetToZero();
        DisposeState();
        slots = new MemoryBuffer1D<float, Stride1D.Dense>[slotCount];
        for (int s = 0; s < slotCount; s++)
        {
            slots[s] = accelerator.Allocate1D(Host.Slots[s]);
        }

        Steps = perWeightSteps ? accelerator.Allocate1D(Host.Steps!) : null;
    }

    public void Dispose()
    {
        Values.Dispose();
        Grad.Dispose();
        DisposeState();
    }

    private void DisposeState()
    {
        foreach (var slot in slots)
        {
            slot.Dispose();
        }

        slots = [];
        Steps?.Dispose();
        Steps = null;
    }
}
