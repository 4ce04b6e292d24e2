using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace SparseDsl.Training.Device;

/// <summary>
/// An ILGPU context and one accelerator for <c>--backend cuda | ilgpu-cpu</c>. Everything above the accelerator
/// (kernels, buffers, the trainer) is the same for both; only this choice differs.
/// </summary>
public sealed class DeviceBackend : IDisposable
{
    private readonly Context context;

    private DeviceBackend(Context context, Accelerator accelerator)
    {
        this.context = context;
        Accelerator = accelerator;
    }

    public Accelerator Accelerator { get; }

    /// <summary>The accelerator in words, e.g. "ILGPU CPU accelerator (emulator)".</summary>
    public string Description => Accelerator.AcceleratorType == AcceleratorType.CPU
        ? "ILGPU CPU accelerator (emulator: for checking, not speed)"
        : $"{Accelerator.AcceleratorType} {Accelerator.Name}";

    /// <summary>
    /// <c>ilgpu-cpu</c>: the emulator. <c>cuda</c>: the first CUDA device (TOOLCHAIN §7.8); without one it throws a
    /// one-line <see cref="NotSupportedException"/> rather than falling back, since the user asked for CUDA.
    /// </summary>
    public static DeviceBackend Open(string backend)
    {
        switch (backend)
        {
            case "ilgpu-cpu":
            {
                var context = Context.Create(builder => builder.CPU().EnableAlgorithms());
                return new DeviceBackend(context, context.CreateCPUAccelerator(0));
            }

            case "cuda":
            {
                var context = Context.Create(builder => builder.Default().EnableAlgorithms());
                var device = context.Devices.FirstOrDefault(d => d.AcceleratorType == AcceleratorType.Cuda);
                if (device is null)
                {
                    context.Dispose();
                    throw new NotSupportedException("--backend cuda: ILGPU found no CUDA device on this machine; use --backend cpu (or ilgpu-cpu to check the device path on the emulator)");
                }

                try
                {
                    return new DeviceBackend(context, device.CreateAccelerator(context));
                }
                catch
                {
                    context.Dispose(); // a driver or memory failure must not leak the context
                    throw;
                }
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(backend), backend, "a device backend is cuda or ilgpu-cpu");
        }
    }

    public void Dispose()
    {
        Accelerator.Dispose();
        context.Dispose();
    }
}
