namespace SparseDsl.Kernels;

/// <summary>
/// The slow twins of the transformer kernels: plain loops in float64, same layouts (feature-major activations
/// <c>[dim, tokens]</c>, token n = b·T + t), written straight from the equations, for tests (forward results and
/// finite differences of the backward passes).
/// </summary>
internal static class TransformerReference
{
    /// <summary>x[d, n] = E[id[n], d] + P[n mod T, d] (P null: no positions).</summary>
    internal static double[] Embedding(int[] ids, double[] table, double[]? positions, int dim, int tokens, int context)
    {
        var x = new double[dim * tokens];
        for (int d = 0; d < dim; d++)
        {
            for (int n = 0; n < tokens; n++)
            {
                double p = positions is null ? 0 : positions[n % context * dim + d];
                x[d * tokens + n] = table[ids[n] * dim + d] + p;
            }
        }

        return x;
    }

    /// <summary>
    /// LayerNorm (centered, bias given) or RMSNorm (not centered, bias null) per token over features:
    /// y = (x − μ)/√(var + ε)·γ + β, var = mean of (x − μ)² (μ = 0 and var = mean of x² when not centered).
    /// </summary>
    internal static (double[] Y, double[] Mean, double[] Rstd) Normalize(
        double[] x, double[] gain, double[]? bias, bool centered, int dim, int tokens, double epsilon)
    {
        var y = new double[dim * tokens];
        var mean = new double[tokens];
        var rstd = new double[tokens];
        for (int n = 0; n < tokens; n++)
        {
            double mu = 0;
            if (centered)
            {
                for (int d = 0; d < dim; d++)
                {
                    mu += x[d * tokens + n];
                }

                mu /= dim;
            }

            double variance = 0;
            for (int d = 0; d < dim; d++)
            {
                double c = x[d * tokens + n] - mu;
                variance += c * c;
            }

            double r = 1 / Math.Sqrt(variance / dim + epsilon);
            for (int d = 0; d < dim; d++)
            {
                y[d * tokens + n] = (x[d * tokens + n] - mu) * r * gain[d] + (bias is null ? 0 : bias[d]);
            }

            mean[n] = mu;
            rstd[n] = r;
        }

        return (y, mean, rstd);
    }

    /// <summary>Causal multi-head attention per (sequence, head): out = softmax(qᵀk/√hd, s ≤ t)·v; also the probabilities [batch, heads, T, T].</summary>
    internal static (double[] Output, double[] Probabilities) Attention(double[] q, double[] k, double[] v, int dim, int heads, int tokens, int context)
    {
        int hd = dim / heads, T = context, batch = tokens / context;
        var output = new double[dim * tokens];
        var probabilities = new double[batch * heads * T * T];
        double scale = 1 / Math.Sqrt(hd);
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int t = 0; t < T; t++)
                {
                    var scores = new double[t + 1];
                    double max = double.NegativeInfinity;
                    for (int s = 0; s <= t; s++)
                    {
                        double dot = 0;
                        for (int j = 0; j < hd; j++)
                        {
                            int f = (h * hd + j) * tokens + b * T;
                            dot += q[f + t] * k[f + s];
                        }

                        scores[s] = dot * scale;
                        max = Math.Max(max, scores[s]);
                    }

                    double sum = 0;
                    for (int s = 0; s <= t; s++)
                    {
                        scores[s] = Math.Exp(scores[s] - max);
                        sum += scores[s];
                    }

                    for (int s = 0; s <= t; s++)
                    {
                        probabilities[((b * heads + h) * T + t) * T + s] = scores[s] / sum;
                    }

                    for (int j = 0; j < hd; j++)
                    {
                        int f = (h * hd + j) * tokens + b * T;
                        double acc = 0;
                        for (int s = 0; s <= t; s++)
                        {
                            acc += scores[s] / sum * v[f + s];
                        }

                        output[f + t] = acc;
                    }
                }
            }
        }

        return (output, probabilities);
    }

    /// <summary>Rotary positions: within each head, pair (2i, 2i+1) at position t rotated by sign·t·base^(−2i/hd).</summary>
    internal static double[] Rotary(double[] x, int dim, int headDim, int tokens, int context, double theta, double sign)
    {
        var y = (double[])x.Clone();
        for (int h = 0; h < dim / headDim; h++)
        {
            for (int i = 0; i < headDim / 2; i++)
            {
                for (int n = 0; n < tokens; n++)
                {
                    double angle = sign * (n % context) * Math.Pow(theta, -2.0 * i / headDim);
                    int e = (h * headDim + 2 * i) * tokens + n, o = e + tokens;
                    y[e] = x[e] * Math.Cos(angle) - x[o] * Math.Sin(angle);
                    y[o] = x[e] * Math.Sin(angle) + x[o] * Math.Cos(angle);
                }
            }
        }

        return y;
    }

    /// <summary>GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    internal static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>SwiGLU: a·σ(a)·b.</summary>
    internal static double SwiGlu(double a, double b) => a / (1 + Math.Exp(-a)) * b;

    /// <summary>Mean over tokens of −log softmax(E·x)[target], E [vocab, dim], x [dim, tokens].</summary>
    internal static double TiedHeadLoss(double[] table, double[] x, int[] targets, int vocab, int dim, int tokens)
    {
        double total = 0;
        var logits = new double[vocab];
        for (int n = 0; n < tokens; n++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < vocab; c++)
            {
                double z = 0;
                for (int d = 0; d < dim; d++)
                {
                    z += table[c * dim + d] * x[d * tokens + n];
                }

                logits[c] = z;
                max = Math.Max(max, z);
            }

            double sum = 0;
            for (int c = 0; c < vocab; c++)
            {
                sum += Math.Exp(logits[c] - max);
            }

            total += Math.Log(sum) + max - logits[targets[n]];
        }

        return total / tokens;
    }
}
