namespace SparseDsl.Language;

public enum LayerKind
{
    Input,
    Dense,

    /// <summary>Token ids to vectors: [Embedding(vocab, dim, Context = T)].</summary>
    Embedding,

    /// <summary>Count pre-norm transformer blocks: [TransformerBlock(heads)].</summary>
    TransformerBlock,

    /// <summary>The final normalization before the head: [LayerNorm] (RMS norm when the blocks use it).</summary>
    LayerNorm,

    /// <summary>Vectors to next-token logits: [Unembedding(TiedTo = nameof(Tokens))].</summary>
    Unembedding,
}

/// <summary>
/// One layer as declared. <see cref="Pattern"/>/<see cref="Sparsity"/> come from an own [Sparse]; a layer with
/// neither follows the model-level target unless <see cref="KeepDense"/>.
/// </summary>
public sealed record LayerSpec(
    string Name,
    LayerKind Kind,
    int Units,
    Activation Activation,
    bool KeepDense,
    SparsityPatternSpec? Pattern,
    double? Sparsity)
{
    public bool HasOwnSparsity => Pattern is not null;

    /// <summary>
    /// The [Sparse] pattern string as written, when the declaration had one. Lets the rules report SPD102 with the
    /// column of a pattern that did not parse (then <see cref="Pattern"/> is null).
    /// </summary>
    public string? PatternText { get; init; }

    /// <summary>An [Embedding]'s vocabulary and context; null for other layers.</summary>
    public EmbeddingSpec? Embedding { get; init; }

    /// <summary>A [TransformerBlock]'s heads, MLP ratio, count and variants; null for other layers.</summary>
    public BlockSpec? Block { get; init; }

    /// <summary>An [Unembedding]'s TiedTo: the [Embedding] whose table it shares (null: its own matrix).</summary>
    public string? TiedTo { get; init; }

    /// <summary>A [Sparse]'s Target on a [TransformerBlock] (<see cref="SparseTargets"/>; null: all).</summary>
    public string? SparseTarget { get; init; }
}

/// <summary>A [SparseModel] declaration: layers in declaration order, the first one an [Input].</summary>
public sealed record ModelSpec(
    string Namespace,
    string Name,
    Loss Loss,
    double Sparsity,
    Distribution Distribution,
    EquatableArray<LayerSpec> Layers)
{
    public string FullName => Namespace.Length == 0 ? Name : Namespace + "." + Name;

    /// <summary>The model-level Target: which transformer matrices the model's sparsity covers (<see cref="SparseTargets"/>; null: all).</summary>
    public string? SparseTarget { get; init; }

    /// <summary>A language model: its layers are token layers ([Embedding] first), not an [Input] and [Dense] chain.</summary>
    public bool IsTokenModel => Layers.Count > 0 && Layers[0].Kind == LayerKind.Embedding;
}
