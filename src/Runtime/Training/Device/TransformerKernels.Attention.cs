using ILGPU;
using ILGPU.Algorithms;

namespace SparseDsl.Training.Device;

internal static partial class TransformerKernels
{
    /// <summary>
    /// Causal attention, one thread per query row: index = pair·T + t with pair = b·heads + h. Writes the row
    /// <c>P[b,h,t,:] = softmax_{s≤t}(q·k/√hd)</c> (zero beyond t) into <paramref name="probabilities"/> [batch, heads, T, T]
    /// and <c>out[h·hd+j, bT+t] = Σ_{s≤t} P[t,s]·v[h·hd+j, bT+s]</c>.
    /// </summary>
    public static void AttentionForward(
        Index1D index, ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> output,
        ArrayView<float> probabilities, int heads, int headDim, int tokens, int context)
    {
        int T = context;
        int pair = index / T;
        int t = index - pair * T;
        int row0 = pair % heads * headDim;
        int col0 = pair / heads * T;
        long p0 = (long)(int)index * T;   // P[b,h,t,0]
        float scale = 1f / XMath.Sqrt(headDim);
        float max = float.NegativeInfinity;
        for (int s = 0; s <= t; s++)
        {
            float dot = 0f;
            for (int j = 0; j < headDim; j++)
            {
                int f = (row0 + j) * tokens + col0;
                dot += q[f + t] * k[f + s];
            }

            float score = dot * scale;
            probabilities[p0 + s] = score;
            max = XMath.Max(max, score);
        }

        float sum = 0f;
        for (int s = 0; s <= t; s++)
        {
            float e = XMath.Exp(probabilities[p0 + s] - max);
            probabilities[p0 + s] = e;
            sum += e;
        }

        float inverse = 1f / sum;
        for (int s = 0; s < T; s++)
        {
            probabilities[p0 + s] = s <= t ? probabilities[p0 + s] * inverse : 0f;
        }

        for (int j = 0; j < headDim; j++)
        {
            int f = (row0 + j) * tokens + col0;
            float acc = 0f;
            for (int s = 0; s <= t; s++)
            {
                acc += probabilities[p0 + s] * v[f + s];
            }

            output[f + t] = acc;
        }
    }

    /// <summary>
    /// The backward pass, first half, one thread per query row (index = pair·T + t):
    /// <c>dP[t,s] = Σ_j dout[j,t]·v[j,s]</c>, <c>dS[t,s] = P[t,s]·(dP[t,s] − Σ_s' P[t,s']·dP[t,s'])</c> (written to
    /// <paramref name="dScores"/>, same layout as P, zero beyond t), and <c>dq[j,t] = (1/√hd) Σ_s dS[t,s]·k[j,s]</c> (overwritten).
    /// </summary>
    public static void AttentionBackwardRows(
        Index1D index, ArrayView<float> k, ArrayView<float> v, ArrayView<float> probabilities, ArrayView<float> dOutput,
        ArrayView<float> dScores, ArrayView<float> dq, int heads, int headDim, int tokens, int context)
    {
        int T = context;
        int pair = index / T;
        int t = index - pair * T;
        int row0 = pair % heads * headDim;
        int col0 = pair / heads * T;
        long p0 = (long)(int)index * T;
        float scale = 1f / XMath.Sqrt(headDim);
        float c = 0f;
        for (int s = 0; s <= t; s++)
        {
            float dp = 0f;
            for (int j = 0; j < headDim; j++)
            {
                int f = (row0 + j) * tokens + col0;
                dp += dOutput[f + t] * v[f + s];
            }

            dScores[p0 + s] = dp;
            c += probabilities[p0 + s] * dp;
        }

        for (int s = 0; s < T; s++)
        {
            dScores[p0 + s] = s <= t ? probabilities[p0 + s] * (dScores[p0 + s] - c) : 0f;
        }

        for (int j = 0; j < headDim; j++)
        {
            int f = (row0 + j) * tokens + col0;
            float acc = 0f;
            for (int s = 0; s <= t; s++)
            {
                acc += dScores[p0 + s] * k[f + s];
            }

            dq[f + t] = scale * acc;
        }
    }

    /// <summary>
    /// The backward pass, second half, one thread per key column (index = pair·T + s), after
    /// <see cref="AttentionBackwardRows"/>: <c>dv[j,s] = Σ_{t≥s} P[t,s]·dout[j,t]</c> and
    /// <c>dk[j,s] = (1/√hd) Σ_{t≥s} dS[t,s]·q[j,t]</c>, both overwritten.
    /// </summary>
    public static void AttentionBackwardColumns(
        Index1D index, ArrayView<float> q, ArrayView<float> probabilities, ArrayView<float> dScores, ArrayView<float> dOutput,
        ArrayView<float> dk, ArrayView<float> dv, int heads, int headDim, int tokens, int context)
    {
        int T = context;
        int pair = index / T;
        int s = index - pair * T;
        int row0 = pair % heads * headDim;
        int col0 = pair / heads * T;
        long pairBase = (long)pair * T * T;
        float scale = 1f / XMath.Sqrt(headDim);
        for (int j = 0; j < headDim; j++)
        {
            int f = (row0 + j) * tokens + col0;
            float gv = 0f, gk = 0f;
            for (int t = s; t < T; t++)
            {
                long at = pairBase + (long)t * T + s;
                gv += probabilities[at] * dOutput[f + t];
                gk += dScores[at] * q[f + t];
            }

            dv[f + s] = gv;
            dk[f + s] = scale * gk;
        }
    }

    /// <summary>The tied head's logits, per element (c, n) (Index2D: X = token, Y = vocabulary row): <c>logits[c,n] = Σ_d E[c,d]·x[d,n]</c>.</summary>
    public static void HeadLogits(Index2D index, ArrayView<float> table, ArrayView<float> x, ArrayView<float> logits, int dim, int tokens)
    {
        int n = index.X;
        int c = index.Y;
        float acc = 0f;
        for (int d = 0; d < dim; d++)
        {
            acc += table[c * dim + d] * x[d * tokens + n];
        }

        logits[c * tokens + n] = acc;
    }

    /// <summary>
    /// The head's input gradient per element (d, n) (X = token, Y = feature): <c>dx[d,n] = Σ_c E[c,d]·dlogits[c,n]</c>,
    /// overwritten. dlogits comes from <see cref="RuntimeKernels.SoftmaxCrossEntropy"/> on the logits with the targets as
    /// labels (its batch = tokens: the gradient of the mean over tokens).
    /// </summary>
    public static void HeadInputGradient(Index2D index, ArrayView<float> table, ArrayView<float> dLogits, ArrayView<float> dx, int vocab, int dim, int tokens)
    {
        int n = index.X;
        int d = index.Y;
        float acc = 0f;
        for (int c = 0; c < vocab; c++)
        {
            acc += table[c * dim + d] * dLogits[c * tokens + n];
        }

        dx[d * tokens + n] = acc;
    }

    /// <summary>The head's part of the table gradient per element (c, d) (X = feature, Y = vocabulary row): <c>dE[c,d] += Σ_n dlogits[c,n]·x[d,n]</c>.</summary>
    public static void HeadTableGradient(Index2D index, ArrayView<float> dLogits, ArrayView<float> x, ArrayView<float> dTable, int dim, int tokens)
    {
        int d = index.X;
        int c = index.Y;
        float acc = 0f;
        for (int n = 0; n < tokens; n++)
        {
            acc += dLogits[c * tokens + n] * x[d * tokens + n];
        }

        dTable[c * dim + d] += acc;
    }
}
