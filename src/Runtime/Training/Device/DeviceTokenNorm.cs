using ILGPU;
using ILGPU.Runtime;
using SparseDsl.Kernels;

namespace SparseDsl.Training.Device;

/// <summary>
/// A <see cref="NormLayer"/> on the device (layer norm with γ and β, or RMS norm with γ), feature-major [width, tokens]
/// as on the CPU: keeps its input and per-token statistics from <see cref="Forward"/> for <see cref="Backward"/>.
/// </summary>
internal sealed class DeviceTokenNorm : INormPass<ArrayView<float>>, IDisposable
{
    private readonly Accelerator accelerator;
    private readonly DeviceTokenKernels kernels;
    private readonly int width;
    private MemoryBuffer1D<float, Stride1D.Dense>? output; // [width, tokens]
    private MemoryBuffer1D<float, Stride1D.Dense>? mean;   // [tokens], layer norm only
    private MemoryBuffer1D<float, Stride1D.Dense>? rstd;   // [tokens]
    private ArrayView<float> input;                        // [width, tokens], the caller's view

    public DeviceTokenNorm(Accelerator accelerator, DeviceTokenKernels kernels, NormLayer host)
    {
        this.accelerator = accelerator;
        this.kernels = kernels;
        width = host.Outputs;
        Gain = new DeviceParameter(accelerator, host.Parameters[0]);
        try
        {
            Bias = host.IsRms ? null : new DeviceParameter(accelerator, host.Parameters[1]);
        }
        catch
        {
            Gain.Dispose();
            throw;
        }
    }

    public DeviceParameter Gain { get; }

    public DeviceParameter? Bias { get; }

    public IEnumerable<DeviceParameter> Parameters => Bias is null ? [Gain] : [Gain, Bias];

    private int Centered => Bias is null ? 0 : 1;

    /// <summary>y [width, tokens] = norm(x); the returned view is reused by the next call.</summary>
    public ArrayView<float> Forward(ArrayView<float> x, int tokens)
    {
        input = x;
        var y = DeviceTokenKernels.Ensure(accelerator, ref output, (long)width * tokens);
        var r = DeviceTokenKernels.Ensure(accelerator, ref rstd, tokens);
        var mu = Bias is null ? r : DeviceTokenKernels.Ensure(accelerator, ref mean, tokens); // RMS: any view, never read
        var beta = Bias?.Values.View ?? Gain.Values.View;
        kernels.NormForward(tokens, x, Gain.Values.View, beta, y, mu, r, width, tokens, LayerNorm.DefaultEpsilon, Centered, Centered);
        return y;
    }

    /// <summary>
    /// ∂loss/∂x from ∂loss/∂y into <paramref name="dx"/> (added when <paramref name="accumulate"/>: a residual stream's
    /// gradient), and γ's and β's gradients added to (zeroed by <see cref="ZeroGradients"/> each step).
    /// </summary>
    public void Backward(ArrayView<float> dy, ArrayView<float> dx, int tokens, bool accumulate)
    {
        var r = rstd!.View;
        var mu = mean?.View ?? r;
        kernels.NormInputGradient(tokens, input, Gain.Values.View, mu, r, dy, dx, width, tokens, Centered, accumulate ? 1 : 0);
        kernels.NormParameterGradient(width, input, mu, r, dy, Gain.Grad.View, Bias?.Grad.View ?? Gain.Grad.View, tokens, Centered, Centered);
    }

    public void ZeroGradients()
    {
        Gain.Grad.MemSetToZero();
        Bias?.Grad.MemSetToZero();
    }

    public void Dispose()
    {
        Gain.Dispose();
        Bias?.Dispose();
        output?.Dispose();
        mean?.Dispose();
        rstd?.Dispose();
    }
}
