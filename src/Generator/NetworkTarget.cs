using System.Collections.Immutable;
using System.Linq;
using SparseDsl.Language;
using SparseDsl.Roslyn;

namespace SparseDsl.Generator;

/// <summary>The patterns of one experiment's 'pattern' grid axes, and the model it names.</summary>
internal sealed record GridPatterns(string ModelFullName, EquatableArray<SparsityPatternSpec> Patterns)
{
    /// <summary>
    /// Every pattern the experiments give the model <paramref name="modelFullName"/>, each once, in one order whatever
    /// the order of the experiments (so the generated kernels are too).
    /// </summary>
    public static EquatableArray<SparsityPatternSpec> For(string modelFullName, ImmutableArray<GridPatterns> all) =>
        all.Where(g => g.ModelFullName == modelFullName)
            .SelectMany(g => g.Patterns)
            .Distinct()
            .OrderBy(p => p.Kind)
            .ThenBy(p => p.BlockRows)
            .ThenBy(p => p.BlockCols)
            .ThenBy(p => p.N)
            .ThenBy(p => p.M)
            .ToEquatableArray();
}

/// <summary>The values of one experiment's 'width' grid axis, and the model it names (a language model prints shapes for each).</summary>
internal sealed record GridWidths(string ModelFullName, EquatableArray<int> Widths)
{
    /// <summary>Every width the experiments give <paramref name="modelFullName"/>, each once, ascending.</summary>
    public static EquatableArray<int> For(string modelFullName, ImmutableArray<GridWidths> all) =>
        all.Where(g => g.ModelFullName == modelFullName).SelectMany(g => g.Widths).Distinct().OrderBy(w => w).ToEquatableArray();
}

/// <summary>A model to emit, with the grid patterns its layers may take and the grid widths it may be built at.</summary>
internal sealed record NetworkTarget(ModelTarget Model, EquatableArray<SparsityPatternSpec> GridPatterns, EquatableArray<int> GridWidths);
