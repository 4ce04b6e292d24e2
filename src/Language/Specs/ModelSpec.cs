namespace SparseDsl.Language;

public enum LayerKind
{
    Input,
    Dense,
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
}
