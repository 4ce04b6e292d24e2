namespace SparseDsl.Language;

public enum PatternKind
{
    /// <summary>Any weight may be zero; stored as CSR.</summary>
    Unstructured,

    /// <summary>Whole BlockRows × BlockCols tiles are zero or kept; stored as block-CSR.</summary>
    Block,

    /// <summary>At most N nonzeros in every M consecutive inputs; density N/M.</summary>
    NOfM,

    /// <summary>Whole output units (rows) removed.</summary>
    Rows,
}

/// <summary>A parsed pattern expression: <c>unstructured</c>, <c>block 16x16</c>, <c>2:4</c>, <c>rows</c>.</summary>
public sealed record SparsityPatternSpec(PatternKind Kind, int BlockRows = 0, int BlockCols = 0, int N = 0, int M = 0)
{
    public static SparsityPatternSpec Unstructured { get; } = new(PatternKind.Unstructured);

    /// <summary>The density the pattern itself fixes (N:M), else null.</summary>
    public double? FixedDensity => Kind == PatternKind.NOfM && M > 0 ? (double)N / M : null;

    public override string ToString() => Kind switch
    {
        PatternKind.Block => $"block {BlockRows}x{BlockCols}",
        PatternKind.NOfM => $"{N}:{M}",
        PatternKind.Rows => "rows",
        _ => "unstructured",
    };
}

/// <summary>
/// A pattern with an optional sparsity in one string, as DESIGN.md writes it: <c>unstructured 0.95</c>,
/// <c>block 16x16 0.9</c>, <c>2:4</c>. A null <see cref="Sparsity"/> means the string gave none.
/// </summary>
public sealed record SparseSpec(SparsityPatternSpec Pattern, double? Sparsity);
