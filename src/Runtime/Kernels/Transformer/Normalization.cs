namespace SparseDsl.Kernels;

/// <summary>
/// Layer normalization over the features of each token (Ba et al. 2016; GPT-2's pre-norm), feature-major:
/// <c>x[dim, tokens]</c>, element (d, n) at <c>x[d*tokens + n]</c>. Vectorized across neighbouring tokens, split
/// across cores by blocks of tokens.
/// </summary>
public static class LayerNorm
{
    /// <summary>ε added to the variance (GPT-2's 1e-5).</summary>
    public const float DefaultEpsilon = 1e-5f;

    /// <summary>
    /// <c>y[d,n] = (x[d,n] − μ_n)·rstd_n·gain[d] + bias[d]</c> with <c>μ_n = (1/D) Σ_d x[d,n]</c> and
    /// <c>rstd_n = 1/√((1/D) Σ_d (x[d,n] − μ_n)² + ε)</c>; saves μ and rstd for the backward pass.
    /// </summary>
    /// <param name="x">Input [dim, tokens].</param>
    /// <param name="gain">γ [dim].</param>
    /// <param name="bias">β [dim].</param>
    /// <param name="y">Output [dim, tokens], overwritten; may be the same array as <paramref name="x"/> (x is then lost for the backward pass).</param>
    /// <param name="mean">μ [tokens], overwritten.</param>
    /// <param name="rstd">rstd [tokens], overwritten.</param>
    /// <param name="dim">Features D.</param>
    /// <param name="tokens">Tokens N (batch × context).</param>
    /// <param name="epsilon">ε.</param>
    public static void Forward(
        float[] x, float[] gain, float[] bias, float[] y, float[] mean, float[] rstd, int dim, int tokens, float epsilon = DefaultEpsilon)
    {
        DenseKernels.Check(bias, dim, nameof(bias));
        DenseKernels.Check(mean, tokens, nameof(mean));
        Normalization.Forward(x, gain, bias, y, mean, rstd, dim, tokens, epsilon);
    }

    /// <summary>
    /// With <c>x̂ = (x − μ)·rstd</c>, <c>a_n = (1/D) Σ_d γ_d·dy[d,n]</c> and <c>c_n = (1/D) Σ_d γ_d·dy[d,n]·x̂[d,n]</c>:
    /// <c>dx[d,n] = rstd_n·(γ_d·dy[d,n] − a_n − x̂[d,n]·c_n)</c>, <c>dGain[d] += Σ_n dy[d,n]·x̂[d,n]</c>,
    /// <c>dBias[d] += Σ_n dy[d,n]</c>.
    /// </summary>
    /// <param name="x">The forward input [dim, tokens].</param>
    /// <param name="gain">γ [dim].</param>
    /// <param name="mean">μ [tokens] from <see cref="Forward"/>.</param>
    /// <param name="rstd">rstd [tokens] from <see cref="Forward"/>.</param>
    /// <param name="dy">∂loss/∂y [dim, tokens].</param>
    /// <param name="dx">∂loss/∂x [dim, tokens]: overwritten, or added to when <paramref name="accumulateDx"/> (a residual
    /// stream's gradient); may be the same array as <paramref name="dy"/> when not accumulating.</param>
    /// <param name="dGain">∂loss/∂γ [dim], accumulated.</param>
    /// <param name="dBias">∂loss/∂β [dim], accumulated.</param>
    /// <param name="dim">Features D.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <param name="accumulateDx">false: dx is overwritten; true: dx += the gradient.</param>
    public static void Backward(
        float[] x, float[] gain, float[] mean, float[] rstd, float[] dy, float[] dx, float[] dGain, float[] dBias,
        int dim, int tokens, bool accumulateDx = false)
    {
        DenseKernels.Check(mean, tokens, nameof(mean));
        DenseKernels.Check(dBias, dim, nameof(dBias));
        Normalization.Backward(x, gain, mean, rstd, dy, dx, dGain, dBias, dim, tokens, accumulateDx);
    }
}

/// <summary>
/// Root-mean-square normalization (Zhang &amp; Sennrich 2019; LLaMA's), feature-major like <see cref="LayerNorm"/>:
/// no centring and no bias.
/// </summary>
public static class RmsNorm
{
    /// <summary>
    /// <c>y[d,n] = x[d,n]·rstd_n·gain[d]</c> with <c>rstd_n = 1/√((1/D) Σ_d x[d,n]² + ε)</c>; saves rstd.
    /// </summary>
    /// <param name="x">Input [dim, tokens].</param>
    /// <param name="gain">γ [dim].</param>
    /// <param name="y">Output [dim, tokens], overwritten; may be the same array as <paramref name="x"/>.</param>
    /// <param name="rstd">rstd [tokens], overwritten.</param>
    /// <param name="dim">Features D.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <param name="epsilon">ε.</param>
    public static void Forward(float[] x, float[] gain, float[] y, float[] rstd, int dim, int tokens, float epsilon = LayerNorm.DefaultEpsilon) =>
        Normalization.Forward(x, gain, bias: null, y, mean: null, rstd, dim, tokens, epsilon);

    /// <summary>
    /// With <c>x̂ = x·rstd</c> and <c>c_n = (1/D) Σ_d γ_d·dy[d,n]·x̂[d,n]</c>: <c>dx[d,n] = rstd_n·(γ_d·dy[d,n] − x̂[d,n]·c_n)</c>,
    /// <c>dGain[d] += Σ_n dy[d,n]·x̂[d,n]</c>.
    /// </summary>
    /// <param name="x">The forward input [dim, tokens].</param>
    /// <param name="gain">γ [dim].</param>
    /// <param name="rstd">rstd [tokens] from <see cref="Forward"/>.</param>
    /// <param name="dy">∂loss/∂y [dim, tokens].</param>
    /// <param name="dx">∂loss/∂x [dim, tokens]: overwritten, or added to when <paramref name="accumulateDx"/>; may be
    /// the same array as <paramref name="dy"/> when not accumulating.</param>
    /// <param name="dGain">∂loss/∂γ [dim], accumulated.</param>
    /// <param name="dim">Features D.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <param name="accumulateDx">false: dx is overwritten; true: dx += the gradient.</param>
    public static void Backward(float[] x, float[] gain, float[] rstd, float[] dy, float[] dx, float[] dGain, int dim, int tokens, bool accumulateDx = false) =>
        Normalization.Backward(x, gain, mean: null, rstd, dy, dx, dGain, dBias: null, dim, tokens, accumulateDx);
}

/// <summary>
/// The one implementation behind <see cref="LayerNorm"/> and <see cref="RmsNorm"/> (RMSNorm is LayerNorm with mean 0
/// and no bias). Tokens are cut into blocks of <see cref="Block"/>; per-token statistics of a block live in its slice
/// of mean/rstd or on the stack, so nothing is allocated.
/// </summary>
internal static class Normalization
{
    /// <summary>Tokens per block: 256 floats of each statistic stay in L1 while every feature row streams past.</summary>
    internal const int Block = 256;

    internal static void Forward(
        float[] x, float[] gain, float[]? bias, float[] y, float[]? mean, float[] rstd, int dim, int tokens, float epsilon)
    {
        CheckShapes(x, gain, rstd, y, nameof(y), dim, tokens);
        bool centered = mean is not null;
        float inverseDim = 1f / dim;
        int blocks = (tokens + Block - 1) / Block;
        Workers.ForRange(blocks, Chunks(blocks, dim, tokens), (b0, b1) =>
        {
            Span<float> zeros = stackalloc float[Block];
            for (int block = b0; block < b1; block++)
            {
                int n0 = block * Block;
                int width = Math.Min(Block, tokens - n0);
                Span<float> mu = centered ? mean.AsSpan(n0, width) : zeros[..width];   // μ[n0 .. n0+width)
                Span<float> r = rstd.AsSpan(n0, width);                                 // Σ (x − μ)², then rstd
                if (centered)
                {
                    mu.Clear();
                    for (int d = 0; d < dim; d++)
                    {
                        Lanes.Add(mu, x.AsSpan(d * tokens + n0, width));
                    }

                    Lanes.Scale(mu, inverseDim);
                }

                r.Clear();
                for (int d = 0; d < dim; d++)
                {
                    Lanes.AddSquaredDifference(r, x.AsSpan(d * tokens + n0, width), mu);
                }

                Lanes.ReciprocalSqrt(r, inverseDim, epsilon);
                for (int d = 0; d < dim; d++)
                {
                    Lanes.NormalizeAffine(y.AsSpan(d * tokens + n0, width), x.AsSpan(d * tokens + n0, width), mu, r, gain[d], bias is null ? 0f : bias[d]);
                }
            }
        });
    }

    internal static void Backward(
        float[] x, float[] gain, float[]? mean, float[] rstd, float[] dy, float[] dx, float[] dGain, float[]? dBias,
        int dim, int tokens, bool accumulateDx)
    {
        CheckShapes(x, gain, rstd, dy, nameof(dy), dim, tokens);
        DenseKernels.Check(dx, (long)dim * tokens, nameof(dx));
        DenseKernels.Check(dGain, dim, nameof(dGain));
        bool centered = mean is not null;

        // Parameter gradients first, one feature row per task (no two tasks share a row), so that dx may overwrite dy.
        Workers.ForRange(dim, Chunks(dim, dim, tokens), (d0, d1) =>
        {
            for (int d = d0; d < d1; d++)
            {
                ReadOnlySpan<float> dyRow = dy.AsSpan(d * tokens, tokens);
                dGain[d] += Lanes.DotNormalized(dyRow, x.AsSpan(d * tokens, tokens), centered ? mean.AsSpan(0, tokens) : default, rstd.AsSpan(0, tokens));
                if (dBias is not null)
                {
                    dBias[d] += DenseKernels.Sum(dyRow);
                }
            }
        });

        float inverseDim = 1f / dim;
        int blocks = (tokens + Block - 1) / Block;
        Workers.ForRange(blocks, Chunks(blocks, dim, tokens), (b0, b1) =>
        {
            Span<float> zeros = stackalloc float[Block];
            Span<float> a = stackalloc float[Block];   // (1/D) Σ_d γ_d·dy[d,n]
            Span<float> c = stackalloc float[Block];   // (1/D) Σ_d γ_d·dy[d,n]·x̂[d,n]
            for (int block = b0; block < b1; block++)
            {
                int n0 = block * Block;
                int width = Math.Min(Block, tokens - n0);
                ReadOnlySpan<float> mu = centered ? mean.AsSpan(n0, width) : zeros[..width];
                ReadOnlySpan<float> r = rstd.AsSpan(n0, width);
                Span<float> aw = centered ? a[..width] : zeros[..width];
                Span<float> cw = c[..width];
                aw.Clear();
                cw.Clear();
                for (int d = 0; d < dim; d++)
                {
                    ReadOnlySpan<float> dyRow = dy.AsSpan(d * tokens + n0, width);
                    if (centered)
                    {
                        Lanes.MultiplyAdd(aw, dyRow, gain[d]);
                    }

                    Lanes.AddCenteredProduct(cw, dyRow, x.AsSpan(d * tokens + n0, width), mu, gain[d]);
                }

                Lanes.Scale(aw, inverseDim);
                Lanes.Multiply(cw, r);
                Lanes.Scale(cw, inverseDim);
                for (int d = 0; d < dim; d++)
                {
                    Lanes.NormInputGradient(
                        dx.AsSpan(d * tokens + n0, width), dy.AsSpan(d * tokens + n0, width), x.AsSpan(d * tokens + n0, width),
                        mu, r, aw, cw, gain[d], accumulateDx);
                }
            }
        });
    }

    private static void CheckShapes(float[] x, float[] gain, float[] rstd, float[] other, string otherName, int dim, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        DenseKernels.Check(x, (long)dim * tokens, nameof(x));
        DenseKernels.Check(gain, dim, nameof(gain));
        DenseKernels.Check(rstd, tokens, nameof(rstd));
        DenseKernels.Check(other, (long)dim * tokens, otherName);
    }

    /// <summary>One task below 2^15 elements (not worth waking a core), else up to one per core.</summary>
    private static int Chunks(int length, int dim, int tokens) => (long)dim * tokens < 1 << 15 ? 1 : Math.Min(length, Workers.Count);
}
