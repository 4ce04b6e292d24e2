using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// A <see cref="Parameter"/> on the device: its values, gradient and optimizer state (slots, and per-value ages with
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

    /// <summary>
    /// Each value's age (SMET's per-weight steps) in 2 bytes, as the host keeps them (<see cref="WeightAges"/>) when
    /// the age limit fits; null otherwise and with a shared step.
    /// </summary>
    public MemoryBuffer1D<ushort, Stride1D.Dense>? NarrowAges { get; private set; }

    /// <summary>Each value's age in 4 bytes when the age limit is above 65,535; else null.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense>? WideAges { get; private set; }

    /// <summary>Bytes of optimizer state on the device.</summary>
    public long StateBytes =>
        (long)Length * (slots.Length * sizeof(float) + (NarrowAges is not null ? sizeof(ushort) : WideAges is not null ? sizeof(int) : 0));

    private int? AgeLimit { get; set; }

    /// <summary>Fresh zero optimizer state: <paramref name="slotCount"/> slots, and per-value ages saturating at <paramref name="ageLimit"/> when it is given.</summary>
    internal void AllocateState(int slotCount, int? ageLimit)
    {
        DisposeState();
        slots = new MemoryBuffer1D<float, Stride1D.Dense>[slotCount];
        for (int s = 0; s < slotCount; s++)
        {
            slots[s] = accelerator.Allocate1D<float>(Length);
            slots[s].MemSetToZero();
        }

        AgeLimit = ageLimit;
        if (ageLimit is int limit)
        {
            // The same width the host chooses for this limit (WeightAges), so that up- and downloads are plain copies.
            if (limit <= ushort.MaxValue)
            {
                NarrowAges = accelerator.Allocate1D<ushort>(Length);
                NarrowAges.MemSetToZero();
            }
            else
            {
                WideAges = accelerator.Allocate1D<int>(Length);
                WideAges.MemSetToZero();
            }
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
        AllocateHostState();
        for (int s = 0; s < slots.Length; s++)
        {
            slots[s].View.CopyToCPU(Host.Slots[s]);
        }

        NarrowAges?.View.CopyToCPU(Host.Ages!.Narrow!);
        WideAges?.View.CopyToCPU(Host.Ages!.Wide!);
    }

    /// <summary>Fresh zero state on the host parameter of this one's shape (slots and age width), for a download or a checkpoint's restore into it.</summary>
    internal void AllocateHostState() => Host.AllocateState(slots.Length, AgeLimit);

    /// <summary>The host parameter's values and state after a topology change, into buffers of its new length (gradient zeroed).</summary>
    internal void UploadAll()
    {
        int slotCount = slots.Length;
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

        if (Host.Ages?.Narrow is ushort[] narrow)
        {
            NarrowAges = accelerator.Allocate1D(narrow);
        }
        else if (Host.Ages?.Wide is int[] wide)
        {
            WideAges = accelerator.Allocate1D(wide);
        }
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
        NarrowAges?.Dispose();
        NarrowAges = null;
        WideAges?.Dispose();
        WideAges = null;
    }
}
