using System.Collections.Generic;
using System.Linq;

namespace SparseDsl.Language;

/// <summary>The R × C tile of a block-CSR weight: a block pattern's tile, or 1 × In for a rows pattern.</summary>
public sealed record TileShape(int Rows, int Cols)
{
    public override string ToString() => Rows + "x" + Cols;
}

/// <summary>
/// Which tile shapes a weight layer can be stored in over every run the build knows of, so that the generator prints a
/// block-CSR kernel (tile size baked in) for each. A layer's pattern is its own [Sparse]; a layer that follows the
/// model-level target takes the run's pattern, which a build knows only from the 'pattern' grid axes of the
/// experiments naming the model (a pattern set in code, through NetworkOptions, is known only at run time).
/// </summary>
public static class LayerTiles
{
    /// <summary>A weight layer without [KeepDense] and without its own [Sparse]: its pattern is the model's (or the grid's).</summary>
    public static bool FollowsTarget(LayerSpec layer, LayerShape shape) =>
        shape.HasWeights && !layer.KeepDense && layer.Pattern is null && layer.PatternText is null && layer.Sparsity is null;

    /// <summary>The values of <paramref name="experiment"/>'s 'pattern' grid axes that parse (the rest are the analyzers' to report).</summary>
    public static IEnumerable<SparsityPatternSpec> GridPatterns(ExperimentSpec experiment)
    {
        foreach (GridAxisText axis in experiment.Grid.Where(a => a.Name == GridAxes.Pattern))
        {
            ParseResult<EquatableArray<GridValue>> values = Expressions.ParseGridValues(axis.Values);
            if (!values.Success)
            {
                continue;
            }

            foreach (GridValue value in values.Value)
            {
                if (value.Text is string text && Expressions.ParsePattern(text) is { Success: true } pattern)
                {
                    yield return pattern.Value!;
                }
            }
        }
    }

    /// <summary>
    /// The tile shapes of <paramref name="layer"/>, ascending by rows then columns: its own block or rows pattern, or,
    /// when it follows the target, those among <paramref name="gridPatterns"/>. A tile that does not divide the weight
    /// is left out (SPD103/SPD104 reject it at build time; no run could store it).
    /// </summary>
    public static EquatableArray<TileShape> Of(LayerSpec layer, LayerShape shape, IEnumerable<SparsityPatternSpec> gridPatterns)
    {
        if (!shape.HasWeights)
        {
            return EquatableArray<TileShape>.Empty;
        }

        IEnumerable<SparsityPatternSpec> patterns = layer.Pattern is { } own
            ? new[] { own }
            : FollowsTarget(layer, shape) ? gridPatterns : Enumerable.Empty<SparsityPatternSpec>();
        return patterns
            .Select(p => TileOf(p, shape))
            .Where(t => t is not null && t.Rows > 0 && t.Cols > 0 && shape.Out % t.Rows == 0 && shape.In % t.Cols == 0)
            .Select(t => t!)
            .Distinct()
            .OrderBy(t => t.Rows)
            .ThenBy(t => t.Cols)
            .ToEquatableArray();
    }

    /// <summary>The tile of a block or rows pattern on <paramref name="shape"/>; null for the patterns stored per weight.</summary>
    public static TileShape? TileOf(SparsityPatternSpec pattern, LayerShape shape) => pattern.Kind switch
    {
        PatternKind.Block => new TileShape(pattern.BlockRows, pattern.BlockCols),
        PatternKind.Rows => new TileShape(1, shape.In),
        _ => null,
    };
}
