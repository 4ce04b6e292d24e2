using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// Layer norm (γ, β) or RMS norm (γ only) over the features of each token, feature-major [width, tokens]; keeps its
/// input and statistics from <see cref="Forward"/> for <see cref="Backward"/>.
/// </summary>
public sealed class NormLayer : Layer, INormPass<float[]>
{
    private readonly Parameter gain;
    private readonly Parameter? bias;
    private float[]? input;  // [width, tokens], the caller's array
    private float[]? output; // [width, tokens]
    private float[]? mean;   // [tokens]
    private float[]? rstd;   // [tokens]

    public NormLayer(string name, int width, bool rms)
        : base(name, width, width)
    {
        var ones = new float[width];
        Array.Fill(ones, 1f);
        gain = new Parameter(name + ".gain", ones, decays: false);
        bias = rms ? null : new Parameter(name + ".bias", new float[width], decays: false);
        Parameters = bias is null ? [gain] : [gain, bias];
    }

    /// <summary>γ, then β for a layer norm.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    public bool IsRms => bias is null;

    /// <summary>No weight matrix: its γ and β are not counted as weights.</summary>
    public override long DenseWeights => 0;

    /// <summary>y [width, tokens] = norm(x); the returned buffer is reused by the next call.</summary>
    public float[] Forward(float[] x, int tokens)
    {
        input = x;
        float[] y = Buffers.Ensure(ref output, (long)Outputs * tokens);
        float[] r = Buffers.Ensure(ref rstd, tokens);
        if (bias is null)
        {
            RmsNorm.Forward(x, gain.Values, y, r, Outputs, tokens);
        }
        else
        {
            LayerNorm.Forward(x, gain.Values, bias.Values, y, Buffers.Ensure(ref mean, tokens), r, Outputs, tokens);
        }

        return y;
    }

    /// <summary>
    /// From ∂loss/∂y, writes ∂loss/∂x into <paramref name="dx"/> (added to it when <paramref name="accumulate"/>: a
    /// residual stream's gradient) and adds to γ's and β's gradients (zero them first: <see cref="ZeroGradients"/>).
    /// </summary>
    public void Backward(float[] dy, float[] dx, int tokens, bool accumulate)
    {
        if (bias is null)
        {
            RmsNorm.Backward(input!, gain.Values, rstd!, dy, dx, gain.Grad, Outputs, tokens, accumulate);
        }
        else
        {
            LayerNorm.Backward(input!, gain.Values, mean!, rstd!, dy, dx, gain.Grad, bias.Grad, Outputs, tokens, accumulate);
        }
    }

    /// <summary>γ's and β's gradients accumulate over a step: clear them before its backward pass.</summary>
    public void ZeroGradients()
    {
        Array.Clear(gain.Grad);
        if (bias is not null)
        {
            Array.Clear(bias.Grad);
        }
    }
}

/// <summary>Scratch arrays sized for the batch, reallocated only when it grows.</summary>
internal static class Buffers
{
    public static float[] Ensure(ref float[]? buffer, long length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer;
    }
}
