namespace SparseDsl.Kernels;

/// <summary>
/// The core of causal multi-head self-attention, after the q, k, v projections and before the output projection,
/// on feature-major activations: <c>q, k, v, out [dim, tokens]</c>, element (d, n) at <c>[d*tokens + n]</c>, token
/// <c>n = b·T + t</c> (sequence b, position t, T = context). Head h owns features <c>[h·hd, (h+1)·hd)</c>, hd = dim / heads.
/// Per (sequence, head):
/// <code>
/// S[t,s] = (1/√hd) Σ_j q[h·hd+j, bT+t]·k[h·hd+j, bT+s]     for s ≤ t (the causal mask: later keys are never read)
/// P[t,:] = softmax_s(S[t, 0..t])                            saved, [batch, heads, T, T], zero above the diagonal
/// out[h·hd+j, bT+t] = Σ_{s≤t} P[t,s]·v[h·hd+j, bT+s]
/// </code>
/// Each (sequence, head) is one task; within it the lanes of every vector run over key positions s (contiguous in
/// a feature row), so the masked triangle is skipped rather than computed and discarded.
/// </summary>
public static partial class CausalSelfAttention
{
    /// <summary>Elements of the saved probabilities: batch · heads · T · T with batch = tokens / context.</summary>
    public static long ProbabilitiesLength(int heads, int tokens, int context) => (long)(tokens / context) * heads * context * context;

    /// <summary>The forward pass (see the type's equations); the softmax is fused with the masked score rows.</summary>
    /// <param name="q">Queries [dim, tokens].</param>
    /// <param name="k">Keys [dim, tokens].</param>
    /// <param name="v">Values [dim, tokens].</param>
    /// <param name="output">Attention output [dim, tokens] (before the output projection), overwritten; must not be q, k or v.</param>
    /// <param name="probabilities">P [batch, heads, T, T], element (b, h, t, s) at <c>((b·heads + h)·T + t)·T + s</c>, overwritten
    /// (entries above the diagonal are 0); kept for <see cref="Backward"/>.</param>
    /// <param name="dim">Model width D = heads · hd.</param>
    /// <param name="heads">Heads H.</param>
    /// <param name="tokens">Tokens N = batch · T.</param>
    /// <param name="context">Sequence length T.</param>
    public static void Forward(float[] q, float[] k, float[] v, float[] output, float[] probabilities, int dim, int heads, int tokens, int context)
    {
        int headDim = CheckShapes(dim, heads, tokens, context);
        long size = (long)dim * tokens;
        DenseKernels.Check(q, size, nameof(q));
        DenseKernels.Check(k, size, nameof(k));
        DenseKernels.Check(v, size, nameof(v));
        DenseKernels.Check(output, size, nameof(output));
        DenseKernels.Check(probabilities, ProbabilitiesLength(heads, tokens, context), nameof(probabilities));
        if (Tiled(context, headDim))
        {
            ForwardTiled(q, k, v, output, probabilities, headDim, heads, tokens, context);
            return;
        }

        int T = context;
        int pairs = tokens / context * heads;
        float scale = 1f / MathF.Sqrt(headDim);
        Workers.ForRange(pairs, Chunks(pairs, T, headDim), (p0, p1) =>
        {
            for (int pair = p0; pair < p1; pair++)
            {
                int row0 = pair % heads * headDim;     // first feature of head h
                int col0 = pair / heads * T;           // first token of sequence b
                for (int t = 0; t < T; t++)
                {
                    Span<float> p = probabilities.AsSpan((int)(((long)pair * T + t) * T), T);   // P[b,h,t,:]
                    Span<float> row = p[..(t + 1)];                                                           // keys s ≤ t
                    row.Clear();
                    for (int j = 0; j < headDim; j++)
                    {
                        int f = (row0 + j) * tokens + col0;
                        // S[t, 0..t] += (q[j,t]/√hd) · k[j, 0..t]
                        Lanes.MultiplyAdd(row, k.AsSpan(f, t + 1), q[f + t] * scale);
                    }

                    float max = Lanes.Max(row);
                    float sum = Lanes.ExpShifted(row, max);
                    Lanes.Scale(row, 1f / sum);
                    p[(t + 1)..].Clear();
                    for (int j = 0; j < headDim; j++)
                    {
                        int f = (row0 + j) * tokens + col0;
                        // out[j,t] = Σ_s P[t,s]·v[j,s]
                        output[f + t] = Lanes.Dot(row, v.AsSpan(f, t + 1));
                    }
                }
            }
        });
    }

    /// <summary>
    /// The backward pass, per (sequence, head) and query row t:
    /// <code>
    /// dv[j,s] += P[t,s]·dout[j,t]                      (s ≤ t)
    /// dP[t,s]  = Σ_j dout[j,t]·v[j,s]
    /// dS[t,s]  = P[t,s]·(dP[t,s] − Σ_s' P[t,s']·dP[t,s'])
    /// dq[j,t]  = (1/√hd) Σ_s dS[t,s]·k[j,s]
    /// dk[j,s] += (1/√hd) dS[t,s]·q[j,t]
    /// </code>
    /// dq, dk and dv are overwritten (each task zeroes its own head's slice of a sequence before accumulating over t).
    /// </summary>
    /// <param name="q">Queries [dim, tokens] as used in the forward pass (after rotary positions, if any).</param>
    /// <param name="k">Keys [dim, tokens], likewise.</param>
    /// <param name="v">Values [dim, tokens].</param>
    /// <param name="probabilities">P from <see cref="Forward"/>.</param>
    /// <param name="dOutput">∂loss/∂out [dim, tokens].</param>
    /// <param name="dq">∂loss/∂q [dim, tokens], overwritten.</param>
    /// <param name="dk">∂loss/∂k [dim, tokens], overwritten.</param>
    /// <param name="dv">∂loss/∂v [dim, tokens], overwritten.</param>
    /// <param name="dim">Model width D.</param>
    /// <param name="heads">Heads H.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <param name="context">Sequence length T.</param>
    public static void Backward(
        float[] q, float[] k, float[] v, float[] probabilities, float[] dOutput, float[] dq, float[] dk, float[] dv,
        int dim, int heads, int tokens, int context)
    {
        int headDim = CheckShapes(dim, heads, tokens, context);
        long size = (long)dim * tokens;
        DenseKernels.Check(q, size, nameof(q));
        DenseKernels.Check(k, size, nameof(k));
        DenseKernels.Check(v, size, nameof(v));
        DenseKernels.Check(dOutput, size, nameof(dOutput));
        DenseKernels.Check(dq, size, nameof(dq));
        DenseKernels.Check(dk, size, nameof(dk));
        DenseKernels.Check(dv, size, nameof(dv));
        DenseKernels.Check(probabilities, ProbabilitiesLength(heads, tokens, context), nameof(probabilities));
        if (Tiled(context, headDim))
        {
            BackwardTiled(q, k, v, probabilities, dOutput, dq, dk, dv, headDim, heads, tokens, context);
            return;
        }

        int T = context;
        int pairs = tokens / context * heads;
        float scale = 1f / MathF.Sqrt(headDim);
        Workers.ForRange(pairs, Chunks(pairs, T, headDim), (p0, p1) =>
        {
            Span<float> dp = T <= 2048 ? stackalloc float[T] : new float[T];   // dP[t, 0..t], then dS[t, 0..t]
            for (int pair = p0; pair < p1; pair++)
            {
                int row0 = pair % heads * headDim;
                int col0 = pair / heads * T;
                for (int j = 0; j < headDim; j++)
                {
                    dk.AsSpan((row0 + j) * tokens + col0, T).Clear();
                    dv.AsSpan((row0 + j) * tokens + col0, T).Clear();
                }

                for (int t = 0; t < T; t++)
                {
                    ReadOnlySpan<float> p = probabilities.AsSpan((int)(((long)pair * T + t) * T), t + 1);   // P[b,h,t,0..t]
                    Span<float> ds = dp[..(t + 1)];
                    ds.Clear();
                    for (int j = 0; j < headDim; j++)
                    {
                        int f = (row0 + j) * tokens + col0;
                        float g = dOutput[f + t];
                        Lanes.MultiplyAdd(ds, v.AsSpan(f, t + 1), g);      // dP[t,s] += dout[j,t]·v[j,s]
                        Lanes.MultiplyAdd(dv.AsSpan(f, t + 1), p, g);      // dv[j,s] += P[t,s]·dout[j,t]
                    }

                    Lanes.SoftmaxGradient(ds, p, Lanes.Dot(p, ds));        // dS = P ⊙ (dP − ⟨P, dP⟩)
                    for (int j = 0; j < headDim; j++)
                    {
                        int f = (row0 + j) * tokens + col0;
                        dq[f + t] = scale * Lanes.Dot(ds, k.AsSpan(f, t + 1));
                        Lanes.MultiplyAdd(dk.AsSpan(f, t + 1), ds, scale * q[f + t]);
                    }
                }
            }
        });
    }

    /// <summary>Validates the shapes and returns the head dimension hd = dim / heads.</summary>
    private static int CheckShapes(int dim, int heads, int tokens, int context)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(context);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (dim % heads != 0)
        {
            throw new ArgumentException($"heads ({heads}) must divide dim ({dim}).", nameof(heads));
        }

        if (tokens % context != 0)
        {
            throw new ArgumentException($"tokens ({tokens}) must be a whole number of sequences of length {context}.", nameof(tokens));
        }

        return dim / heads;
    }

    /// <summary>One task when the whole pass is under 2^15 multiply-adds, else up to one per core.</summary>
    private static int Chunks(int pairs, int context, int headDim) =>
        (long)pairs * context * context * headDim < 1 << 15 ? 1 : Math.Min(pairs, Workers.Count);
}
