namespace SparseDsl;

/// <summary>
/// A language model's first layer: token ids to vectors of <paramref name="dim"/> features, with learned positions
/// when the blocks use them: <c>[Embedding(vocab: 256, dim: 128, Context = 128), KeepDense]</c>.
/// </summary>
/// <remarks>
/// A token model is <c>[Embedding]</c>, one <c>[TransformerBlock]</c>, <c>[LayerNorm]</c> and <c>[Unembedding]</c>, in
/// that order (SPD003), trained with <see cref="Loss.NextToken"/> on a text data set (<c>brown</c>, <c>text:PATH</c>).
/// The embedding stays dense. SPD004 when a size is not positive.
/// </remarks>
/// <param name="vocab">Vocabulary size (256 for the byte tokenizer).</param>
/// <param name="dim">Model width: features per token.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EmbeddingAttribute(int vocab, int dim) : Attribute
{
    /// <summary>Vocabulary size.</summary>
    public int Vocab { get; } = vocab;

    /// <summary>Model width.</summary>
    public int Dim { get; } = dim;

    /// <summary>Tokens per training sequence T (default 128).</summary>
    public int Context { get; set; } = 128;
}

/// <summary>
/// <see cref="Count"/> pre-norm transformer blocks, each causal multi-head self-attention (q, k, v, o projections) and
/// an MLP of <see cref="MlpRatio"/> × width hidden units, with residuals:
/// <c>[TransformerBlock(heads: 4, MlpRatio = 4, Count = 4)]</c>. The LLaMA variants are one option each:
/// <c>Mlp = "swiglu", Norm = "rmsnorm", Positions = "rotary"</c>.
/// </summary>
/// <remarks>
/// The model's sparsity (and a <c>[Sparse]</c> on this layer) applies to the q, k, v, o and MLP matrices selected by
/// <c>Target</c>. SPD009 when the heads do not divide the width (or rotary positions get an odd head width), SPD010 for
/// an unknown option value, SPD004 when a count is not positive.
/// </remarks>
/// <param name="heads">Attention heads; they split the width evenly.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class TransformerBlockAttribute(int heads) : Attribute
{
    /// <summary>Attention heads.</summary>
    public int Heads { get; } = heads;

    /// <summary>The MLP's hidden units over the width (default 4).</summary>
    public int MlpRatio { get; set; } = 4;

    /// <summary>Identical blocks stacked, each with its own parameters (default 1).</summary>
    public int Count { get; set; } = 1;

    /// <summary><c>gelu</c> (default; GPT-2) or <c>swiglu</c> (LLaMA: silu(gate) ⊙ up, with a third matrix).</summary>
    public string Mlp { get; set; } = "gelu";

    /// <summary><c>layernorm</c> (default) or <c>rmsnorm</c> (LLaMA); the final [LayerNorm] follows it.</summary>
    public string Norm { get; set; } = "layernorm";

    /// <summary><c>learned</c> (default; a position table in the embedding) or <c>rotary</c> (RoPE on q and k).</summary>
    public string Positions { get; set; } = "learned";
}

/// <summary>The normalization after the last block: <c>[LayerNorm] public partial Layer Final { get; }</c> (RMS norm when the blocks use <c>Norm = "rmsnorm"</c>).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LayerNormAttribute : Attribute;

/// <summary>
/// A language model's head: the width to next-token logits over the vocabulary, tied to the embedding's table:
/// <c>[Unembedding(TiedTo = nameof(Tokens)), KeepDense]</c>. Without <see cref="TiedTo"/> the head has its own matrix.
/// </summary>
/// <remarks>SPD011 when <see cref="TiedTo"/> does not name the model's [Embedding].</remarks>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class UnembeddingAttribute : Attribute
{
    /// <summary>The [Embedding] whose table the head shares (write <c>nameof(Tokens)</c>); null for an untied head.</summary>
    public string? TiedTo { get; set; }
}
