using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparseDsl.Kernels;

/// <summary>
/// Token (and learned position) embedding into feature-major activations: table <c>E [vocab, dim]</c> (row per token
/// id, the layout a tied head multiplies with), positions <c>P [context, dim]</c>, output <c>x [dim, tokens]</c> with
/// token <c>n = b·T + t</c>:
/// <code>
/// x[d, n] = E[id[n], d] + P[t, d]
/// </code>
/// The read is a gather (rows of E picked by id) and a transpose (rows of E become columns of x): with AVX2 each
/// feature row of x is filled 8 tokens at a time by hardware gathers; the backward pass gathers 8 features of one
/// token's column of dx and adds them to E's row with one vector add. Split across cores by feature rows, so no two
/// tasks add into the same element of dE, and each element sums its tokens in order (deterministic).
/// </summary>
public static unsafe class TokenEmbedding
{
    /// <summary><c>x[d, n] = E[id[n], d] (+ P[n mod T, d])</c>.</summary>
    /// <param name="ids">Token ids [tokens], each in [0, vocab).</param>
    /// <param name="table">E [vocab, dim].</param>
    /// <param name="positions">P [context, dim], or null (no learned positions, e.g. with rotary positions).</param>
    /// <param name="x">Output [dim, tokens], overwritten.</param>
    /// <param name="vocab">Vocabulary size V.</param>
    /// <param name="dim">Model width D.</param>
    /// <param name="tokens">Tokens N = batch · T.</param>
    /// <param name="context">Sequence length T.</param>
    public static void Forward(int[] ids, float[] table, float[]? positions, float[] x, int vocab, int dim, int tokens, int context)
    {
        CheckShapes(ids, table, positions, x, vocab, dim, tokens, context, nameof(x));
        int T = context;
        int sequences = tokens / T;
        Workers.ForRange(dim, Chunks(dim, dim, tokens), (d0, d1) =>
        {
            fixed (int* pid = ids)
            fixed (float* pe = table, pp = positions, px = x)
            {
                for (int d = d0; d < d1; d++)
                {
                    float* row = px + (long)d * tokens;   // x[d, :]
                    for (int b = 0; b < sequences; b++)
                    {
                        int t = 0;
                        if (Avx2.IsSupported)
                        {
                            var stride = Vector256.Create(dim);
                            for (; t <= T - 8; t += 8)
                            {
                                int n = b * T + t;
                                // E[id[n..n+8], d]: element offsets id·D from &E[0, d].
                                var e = Avx2.GatherVector256(pe + d, Vector256.Load(pid + n) * stride, 4);
                                if (pp != null)
                                {
                                    e += Avx2.GatherVector256(pp + d, (Vector256<int>.Indices + Vector256.Create(t)) * stride, 4);
                                }

                                e.Store(row + n);
                            }
                        }

                        for (; t < T; t++)
                        {
                            int n = b * T + t;
                            float e = pe[(long)pid[n] * dim + d];
                            row[n] = pp == null ? e : e + pp[(long)t * dim + d];
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// <c>dE[id[n], d] += dx[d, n]</c> and <c>dP[t, d] += dx[d, n]</c> for every token n (scatter-add: repeated ids
    /// add up). Both are accumulated, so a tied head's gradient may already be in <paramref name="dTable"/>.
    /// </summary>
    /// <param name="ids">Token ids [tokens].</param>
    /// <param name="dx">∂loss/∂x [dim, tokens].</param>
    /// <param name="dTable">∂loss/∂E [vocab, dim], accumulated.</param>
    /// <param name="dPositions">∂loss/∂P [context, dim], accumulated; null when there are no learned positions.</param>
    /// <param name="vocab">Vocabulary size V.</param>
    /// <param name="dim">Model width D.</param>
    /// <param name="tokens">Tokens N.</param>
    /// <param name="context">Sequence length T.</param>
    public static void Backward(int[] ids, float[] dx, float[] dTable, float[]? dPositions, int vocab, int dim, int tokens, int context)
    {
        CheckShapes(ids, dTable, dPositions, dx, vocab, dim, tokens, context, nameof(dx));
        int T = context;
        int featureBlocks = (dim + 7) / 8;
        Workers.ForRange(featureBlocks, Chunks(featureBlocks, dim, tokens), (f0, f1) =>
        {
            fixed (int* pid = ids)
            fixed (float* pe = dTable, pp = dPositions, pdx = dx)
            {
                // Offsets of dx[d0 + j, n] from dx[d0, n], j = 0..7: the column of 8 features of one token.
                var column = Vector256<int>.Indices * Vector256.Create(tokens);
                for (int block = f0; block < f1; block++)
                {
                    int d0 = block * 8;
                    bool full = Avx2.IsSupported && d0 + 8 <= dim;
                    int d1 = Math.Min(d0 + 8, dim);
                    for (int n = 0; n < tokens; n++)
                    {
                        float* de = pe + (long)pid[n] * dim;                     // dE[id[n], :]
                        float* dp = pp == null ? null : pp + (long)(n % T) * dim; // dP[t, :]
                        if (full)
                        {
                            var g = Avx2.GatherVector256(pdx + (long)d0 * tokens + n, column, 4);
                            (Vector256.Load(de + d0) + g).Store(de + d0);
                            if (dp != null)
                            {
                                (Vector256.Load(dp + d0) + g).Store(dp + d0);
                            }

                            continue;
                        }

                        for (int d = d0; d < d1; d++)
                        {
                            float g = pdx[(long)d * tokens + n];
                            de[d] += g;
                            if (dp != null)
                            {
                                dp[d] += g;
                            }
                        }
                    }
                }
            }
        });
    }

    private static void CheckShapes(
        int[] ids, float[] table, float[]? positions, float[] x, int vocab, int dim, int tokens, int context, string xName)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocab);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(context);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        DenseKernels.Check(table, (long)vocab * dim, nameof(table));
        DenseKernels.Check(x, (long)dim * tokens, xName);
        if (positions is not null)
        {
            Gemm.CheckLength(positions, (long)context * dim, nameof(positions));
        }

        if (tokens % context != 0)
        {
            throw new ArgumentException($"tokens ({tokens}) must be a whole number of sequences of length {context}.", nameof(tokens));
        }

        if (ids.Length < tokens)
        {
            throw new ArgumentException($"ids has {ids.Length} entries; tokens is {tokens}.", nameof(ids));
        }

        // The gathers read unchecked: every id is checked once here.
        for (int n = 0; n < tokens; n++)
        {
            if ((uint)ids[n] >= (uint)vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), ids[n], $"Token {n} has id {ids[n]}, outside [0, {vocab}).");
            }
        }
    }

    /// <summary>One task below 2^15 elements of x, else up to one per core.</summary>
    private static int Chunks(int length, int dim, int tokens) => (long)dim * tokens < 1 << 15 ? 1 : Math.Min(length, Workers.Count);
}
