using ILGPU;
using ILGPU.Algorithms;

namespace SparseDsl.Training.Device;

/// <summary>
/// The transformer's ILGPU kernels, written once here with every shape a parameter (like <see cref="RuntimeKernels"/>):
/// each mirrors its CPU twin in src/Runtime/Kernels/Transformer on the same feature-major layouts (<c>x[dim, tokens]</c>,
/// element (d, n) at <c>x[d·tokens + n]</c>, token n = b·T + t). One thread per output element, token, feature or
/// query row; every sum runs in a fixed order inside one thread (no atomics), so a result does not depend on the
/// launch. Loaded with <c>LoadAutoGroupedStreamKernel</c>.
/// </summary>
internal static partial class TransformerKernels
{
    /// <summary>
    /// Per element i = d·tokens + n of x [dim, tokens]: <c>x[d, n] = E[id[n], d] + P[n mod T, d]</c>; positions are
    /// read only when <paramref name="usePositions"/> is 1 (else any view may be passed).
    /// </summary>
    public static void EmbeddingForward(
        Index1D i, ArrayView<int> ids, ArrayView<float> table, ArrayView<float> positions, ArrayView<float> x,
        int dim, int tokens, int context, int usePositions)
    {
        int d = i / tokens;
        int n = i - d * tokens;
        float e = table[ids[n] * dim + d];
        if (usePositions != 0)
        {
            e += positions[n % context * dim + d];
        }

        x[i] = e;
    }

    /// <summary>
    /// Per feature d: <c>dE[id[n], d] += dx[d, n]</c> and (when <paramref name="usePositions"/> is 1)
    /// <c>dP[n mod T, d] += dx[d, n]</c>, tokens in order (the CPU kernel's order): no two threads share an element,
    /// so no atomics; dim threads, each over all tokens (the embedding is a small part of a step).
    /// </summary>
    public static void EmbeddingBackward(
        Index1D d, ArrayView<int> ids, ArrayView<float> dx, ArrayView<float> dTable, ArrayView<float> dPositions,
        int dim, int tokens, int context, int usePositions)
    {
        for (int n = 0; n < tokens; n++)
        {
            float g = dx[d * tokens + n];
            dTable[ids[n] * dim + d] += g;
            if (usePositions != 0)
            {
                dPositions[n % context * dim + d] += g;
            }
        }
    }

    /// <summary>
    /// Per token n: μ_n (0 unless <paramref name="centered"/> is 1), <c>rstd_n = 1/√((1/D) Σ_d (x − μ)² + ε)</c>,
    /// <c>y[d,n] = (x[d,n] − μ_n)·rstd_n·γ_d + β_d</c> (β only when <paramref name="useBias"/> is 1). LayerNorm:
    /// centered = useBias = 1; RMSNorm: both 0 (mean may be any view).
    /// </summary>
    public static void NormForward(
        Index1D n, ArrayView<float> x, ArrayView<float> gain, ArrayView<float> bias, ArrayView<float> y,
        ArrayView<float> mean, ArrayView<float> rstd, int dim, int tokens, float epsilon, int centered, int useBias)
    {
        float mu = 0f;
        if (centered != 0)
        {
            for (int d = 0; d < dim; d++)
            {
                mu += x[d * tokens + n];
            }

            mu *= 1f / dim;
            mean[n] = mu;
        }

        float sum = 0f;
        for (int d = 0; d < dim; d++)
        {
            float c = x[d * tokens + n] - mu;
            sum += c * c;
        }

        float r = XMath.Rsqrt(sum * (1f / dim) + epsilon);
        rstd[n] = r;
        for (int d = 0; d < dim; d++)
        {
            float b = useBias != 0 ? bias[d] : 0f;
            y[d * tokens + n] = (x[d * tokens + n] - mu) * r * gain[d] + b;
        }
    }

    /// <summary>
    /// Per token n, with x̂ = (x − μ)·rstd, a = (1/D) Σ_d γ_d·dy (0 when not centered), c = (1/D) Σ_d γ_d·dy·x̂:
    /// <c>dx[d,n] = rstd·(γ_d·dy[d,n] − a − x̂[d,n]·c)</c>, overwritten, or added when <paramref name="accumulate"/> is 1.
    /// </summary>
    public static void NormInputGradient(
        Index1D n, ArrayView<float> x, ArrayView<float> gain, ArrayView<float> mean, ArrayView<float> rstd,
        ArrayView<float> dy, ArrayView<float> dx, int dim, int tokens, int centered, int accumulate)
    {
        float mu = centered != 0 ? mean[n] : 0f;
        float r = rstd[n];
        float a = 0f, c = 0f;
        for (int d = 0; d < dim; d++)
        {
            float gdy = gain[d] * dy[d * tokens + n];
            a += gdy;
            c += gdy * (x[d * tokens + n] - mu);
        }

        a = centered != 0 ? a * (1f / dim) : 0f;
        c *= r * (1f / dim);
        for (int d = 0; d < dim; d++)
        {
            int i = d * tokens + n;
            float xhat = (x[i] - mu) * r;
            float v = r * (gain[d] * dy[i] - a - xhat * c);
            dx[i] = accumulate != 0 ? dx[i] + v : v;
        }
    }

    /// <summary>
    /// Per feature d: <c>dGain[d] += Σ_n dy[d,n]·x̂[d,n]</c> and, when <paramref name="useBias"/> is 1,
    /// <c>dBias[d] += Σ_n dy[d,n]</c> (accumulated, as on the CPU).
    /// </summary>
    public static void NormParameterGradient(
        Index1D d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> rstd, ArrayView<float> dy,
        ArrayView<float> dGain, ArrayView<float> dBias, int tokens, int centered, int useBias)
    {
        float g = 0f, b = 0f;
        for (int n = 0; n < tokens; n++)
        {
            float mu = centered != 0 ? mean[n] : 0f;
            float grad = dy[d * tokens + n];
            g += grad * (x[d * tokens + n] - mu) * rstd[n];
            b += grad;
        }

        dGain[d] += g;
        if (useBias != 0)
        {
            dBias[d] += b;
        }
    }

    /// <summary>
    /// Per (pair row r ∈ [0, dim/2), token n), index r·tokens + n: rotates features (2r, 2r+1) at position t = n mod T
    /// by sign·θ(i, t), i = (2r mod hd)/2, with cos/sin from the <c>RotaryTable</c> [hd/2, T]; sign +1 forward, −1 backward.
    /// </summary>
    public static void Rotary(
        Index1D index, ArrayView<float> x, ArrayView<float> cos, ArrayView<float> sin, int tokens, int headDim, int context, float sign)
    {
        int r = index / tokens;
        int n = index - r * tokens;
        int i = 2 * r % headDim / 2;
        int t = n % context;
        float c = cos[i * context + t];
        float s = sign * sin[i * context + t];
        int even = 2 * r * tokens + n;
        float x0 = x[even];
        float x1 = x[even + tokens];
        x[even] = x0 * c - x1 * s;
        x[even + tokens] = x0 * s + x1 * c;
    }

    /// <summary>GELU (tanh approximation) per element: <c>y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c>.</summary>
    public static void GeluForward(Index1D i, ArrayView<float> x, ArrayView<float> y)
    {
        float v = x[i];
        float t = XMath.Tanh(v * Kernels.Gelu.Sqrt2OverPi * (1f + Kernels.Gelu.Cubic * v * v));
        y[i] = 0.5f * v * (1f + t);
    }

    /// <summary>GELU's backward per element: <c>dx = dy·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²))</c>; dx may be dy.</summary>
    public static void GeluBackward(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx)
    {
        float v = x[i];
        float v2 = v * v;
        float t = XMath.Tanh(v * Kernels.Gelu.Sqrt2OverPi * (1f + Kernels.Gelu.Cubic * v2));
        float du = Kernels.Gelu.Sqrt2OverPi * (1f + 3f * Kernels.Gelu.Cubic * v2);
        dx[i] = dy[i] * (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du);
    }

    /// <summary>SwiGLU per element: <c>y = a·σ(a)·b</c>.</summary>
    public static void SwiGluForward(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y)
    {
        float av = a[i];
        float sigma = 1f / (1f + XMath.Exp(-av));
        y[i] = av * sigma * b[i];
    }

    /// <summary>SwiGLU's backward per element: <c>da = dy·b·σ(1 + a(1 − σ))</c>, <c>db = dy·a·σ</c> (both read before written).</summary>
    public static void SwiGluBackward(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> dy, ArrayView<float> da, ArrayView<float> db)
    {
        float av = a[i];
        float bv = b[i];
        float g = dy[i];
        float sigma = 1f / (1f + XMath.Exp(-av));
        da[i] = g * bv * sigma * (1f + av * (1f - sigma));
        db[i] = g * av * sigma;
    }

    /// <summary>The residual add per element: <c>y += x</c>.</summary>
    public static void ResidualAdd(Index1D i, ArrayView<float> y, ArrayView<float> x) => y[i] += x[i];
}
