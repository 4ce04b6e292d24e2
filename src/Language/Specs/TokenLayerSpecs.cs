using System;

namespace SparseDsl.Language;

/// <summary>What an [Embedding] declares besides its width (the layer's <see cref="LayerSpec.Units"/>): the vocabulary and context.</summary>
public sealed record EmbeddingSpec(int Vocab, int Context);

/// <summary>
/// What a [TransformerBlock] declares: <see cref="Count"/> pre-norm blocks of causal multi-head self-attention (q, k, v, o
/// projections) and an MLP of <see cref="MlpRatio"/> × width hidden units, with residuals. The options name the
/// LLaMA-style variants: <see cref="Mlp"/> <c>gelu</c> | <c>swiglu</c>, <see cref="Norm"/> <c>layernorm</c> |
/// <c>rmsnorm</c>, <see cref="Positions"/> <c>learned</c> | <c>rotary</c>.
/// </summary>
public sealed record BlockSpec(int Heads, int MlpRatio, int Count, string Mlp, string Norm, string Positions)
{
    public const string Gelu = "gelu";
    public const string SwiGlu = "swiglu";
    public const string LayerNormKind = "layernorm";
    public const string RmsNormKind = "rmsnorm";
    public const string Learned = "learned";
    public const string Rotary = "rotary";

    public const int DefaultMlpRatio = 4;
    public const int DefaultCount = 1;

    public static readonly string[] MlpKinds = [Gelu, SwiGlu];
    public static readonly string[] NormKinds = [LayerNormKind, RmsNormKind];
    public static readonly string[] PositionKinds = [Learned, Rotary];

    public bool IsSwiGlu => string.Equals(Mlp, SwiGlu, StringComparison.Ordinal);

    public bool IsRmsNorm => string.Equals(Norm, RmsNormKind, StringComparison.Ordinal);

    public bool IsRotary => string.Equals(Positions, Rotary, StringComparison.Ordinal);
}

/// <summary>
/// Which of a transformer block's matrices a sparsity target covers: <c>all</c> (q, k, v, o and the MLP),
/// <c>attention</c> (q, k, v, o) or <c>mlp</c> (the MLP's up, gate and down projections). Embeddings and the head are
/// never covered: they stay dense, as in the seed's code.
/// </summary>
public static class SparseTargets
{
    public const string All = "all";
    public const string Attention = "attention";
    public const string Mlp = "mlp";

    public static readonly string[] Names = [All, Attention, Mlp];

    public static bool IsKnown(string? target) => target is null || Array.IndexOf(Names, target) >= 0;

    /// <summary>Whether <paramref name="target"/> (null: <c>all</c>) covers a matrix of <paramref name="role"/>.</summary>
    public static bool Covers(string? target, MatrixRole role) => role switch
    {
        MatrixRole.Attention => target is null or All or Attention,
        MatrixRole.Mlp => target is null or All or Mlp,
        _ => true,
    };
}
