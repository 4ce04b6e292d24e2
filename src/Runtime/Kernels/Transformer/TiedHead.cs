namespace SparseDsl.Kernels;

/// <summary>
/// The language-model head tied to the token embedding, fused with the next-token cross-entropy:
/// <code>
/// logits[c, n] = Σ_d E[c, d]·x[d, n]                    E [vocab, dim] (the embedding table), x [dim, tokens]
/// loss         = (1/N) Σ_n (log Σ_c exp(logits[c, n]) − logits[target[n], n])
/// dlogits[c,n] = (softmax(logits[:, n])[c] − [c = target[n]]) / N
/// dx           = Eᵀ · dlogits                            [dim, tokens], overwritten
/// dE          += dlogits · xᵀ                            [vocab, dim], accumulated (the embedding adds its own part)
/// </code>
/// The two products run on <see cref="Gemm"/>; the softmax over the vocabulary runs across tokens (a vocabulary row
/// of feature-major logits holds neighbouring tokens), in blocks of 256 tokens split across cores.
/// </summary>
public static class TiedHead
{
    private const int Block = 256;

    /// <summary>The mean loss only (evaluation): logits are computed into <paramref name="logits"/> and left there.</summary>
    /// <param name="table">E [vocab, dim].</param>
    /// <param name="x">The final normalized activations [dim, tokens].</param>
    /// <param name="targets">Next-token ids [tokens], each in [0, vocab).</param>
    /// <param name="logits">[vocab, tokens], overwritten with the logits.</param>
    /// <param name="vocab">Vocabulary size V.</param>
    /// <param name="dim">Model width D.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <returns>The loss averaged over the tokens, in nats.</returns>
    public static double Loss(float[] table, float[] x, int[] targets, float[] logits, int vocab, int dim, int tokens)
    {
        CheckShapes(table, x, targets, logits, vocab, dim, tokens);
        Gemm.Multiply(false, false, vocab, tokens, dim, table, x, logits);
        return Softmax(logits, targets, vocab, tokens, gradient: false) / tokens;
    }

    /// <summary>The mean loss, <c>dx</c> (overwritten) and <c>dE</c> (accumulated), as in the type's equations.</summary>
    /// <param name="table">E [vocab, dim].</param>
    /// <param name="x">The final normalized activations [dim, tokens].</param>
    /// <param name="targets">Next-token ids [tokens], each in [0, vocab).</param>
    /// <param name="logits">[vocab, tokens] scratch, caller-provided: on return it holds dlogits.</param>
    /// <param name="dx">∂loss/∂x [dim, tokens], overwritten.</param>
    /// <param name="dTable">∂loss/∂E [vocab, dim], accumulated.</param>
    /// <param name="vocab">Vocabulary size V.</param>
    /// <param name="dim">Model width D.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <returns>The loss averaged over the tokens, in nats.</returns>
    public static double ForwardBackward(
        float[] table, float[] x, int[] targets, float[] logits, float[] dx, float[] dTable, int vocab, int dim, int tokens)
    {
        CheckShapes(table, x, targets, logits, vocab, dim, tokens);
        DenseKernels.Check(dx, (long)dim * tokens, nameof(dx));
        DenseKernels.Check(dTable, (long)vocab * dim, nameof(dTable));
        Gemm.Multiply(false, false, vocab, tokens, dim, table, x, logits);
        double loss = Softmax(logits, targets, vocab, tokens, gradient: true) / tokens;
        Gemm.Multiply(true, false, dim, tokens, vocab, table, logits, dx);
        Gemm.Multiply(false, true, vocab, dim, tokens, logits, x, dTable, accumulate: true);
        return loss;
    }

    /// <summary>
    /// Per token: <c>log Σ_c exp(z − max) + max − z[target]</c> summed over all tokens (in float64, block partials added
    /// in block order, so the result does not depend on the core count); with <paramref name="gradient"/> the logits are
    /// replaced by <c>(softmax − onehot) / N</c>.
    /// </summary>
    private static double Softmax(float[] logits, int[] targets, int vocab, int tokens, bool gradient)
    {
        int blocks = (tokens + Block - 1) / Block;
        var partial = new double[blocks];
        int chunks = (long)vocab * tokens < 1 << 15 ? 1 : Math.Min(blocks, Workers.Count);
        float inverseTokens = 1f / tokens;
        Workers.ForRange(blocks, chunks, (b0, b1) =>
        {
            Span<float> max = stackalloc float[Block];
            Span<float> sum = stackalloc float[Block];
            Span<float> target = stackalloc float[Block];
            for (int block = b0; block < b1; block++)
            {
                int n0 = block * Block;
                int width = Math.Min(Block, tokens - n0);
                Span<float> m = max[..width], s = sum[..width], z = target[..width];
                m.Fill(float.NegativeInfinity);
                for (int c = 0; c < vocab; c++)
                {
                    Lanes.MaxInto(m, logits.AsSpan(c * tokens + n0, width));
                }

                for (int i = 0; i < width; i++)
                {
                    z[i] = logits[targets[n0 + i] * tokens + n0 + i];
                }

                s.Clear();
                for (int c = 0; c < vocab; c++)
                {
                    Lanes.AddExpShifted(s, logits.AsSpan(c * tokens + n0, width), m, store: gradient);
                }

                double loss = 0;
                for (int i = 0; i < width; i++)
                {
                    loss += Math.Log(s[i]) + m[i] - z[i];
                }

                partial[block] = loss;
                if (!gradient)
                {
                    continue;
                }

                for (int i = 0; i < width; i++)
                {
                    s[i] = inverseTokens / s[i];
                }

                for (int c = 0; c < vocab; c++)
                {
                    Lanes.Multiply(logits.AsSpan(c * tokens + n0, width), s);
                }

                for (int i = 0; i < width; i++)
                {
                    logits[targets[n0 + i] * tokens + n0 + i] -= inverseTokens;
                }
            }
        });

        double total = 0;
        foreach (double p in partial)
        {
            total += p;
        }

        return total;
    }

    private static void CheckShapes(float[] table, float[] x, int[] targets, float[] logits, int vocab, int dim, int tokens)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocab);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        DenseKernels.Check(table, (long)vocab * dim, nameof(table));
        DenseKernels.Check(x, (long)dim * tokens, nameof(x));
        DenseKernels.Check(logits, (long)vocab * tokens, nameof(logits));
        if (targets.Length < tokens)
        {
            throw new ArgumentException($"targets has {targets.Length} entries; tokens is {tokens}.", nameof(targets));
        }

        for (int n = 0; n < tokens; n++)
        {
            if ((uint)targets[n] >= (uint)vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), targets[n], $"Target of token {n} is {targets[n]}, outside [0, {vocab}).");
            }
        }
    }
}
