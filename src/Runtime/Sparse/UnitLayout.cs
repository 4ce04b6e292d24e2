using SparseDsl.Language;

namespace SparseDsl.Sparse;

/// <summary>
/// The unit a pattern keeps or drops on a weight [Rows, Cols]: a single weight (unstructured, N:M), a
/// <see cref="UnitHeight"/> × <see cref="UnitWidth"/> tile (block), or a whole row (rows). Units are numbered row-major
/// over the unit grid; every format stores its values as the active units in ascending number, each unit's weights
/// row-major inside it. N:M adds groups: <see cref="GroupSize"/> consecutive units of one row, of which exactly
/// <see cref="GroupActive"/> are active; the other patterns have one group, the whole matrix, with no fixed count.
/// </summary>
public sealed record UnitLayout(PatternKind Pattern, int Rows, int Cols, int UnitHeight, int UnitWidth, int GroupSize, int GroupActive)
{
    public int UnitRows => Rows / UnitHeight;

    public int UnitCols => Cols / UnitWidth;

    public int UnitCount => UnitRows * UnitCols;

    /// <summary>Weights per unit.</summary>
    public int UnitSize => UnitHeight * UnitWidth;

    /// <summary>Whether groups hold a fixed number of active units (N:M); else the whole matrix is one free group.</summary>
    public bool HasGroups => GroupActive > 0;

    /// <summary>The group of unit <paramref name="unit"/> (always 0 without groups).</summary>
    public int GroupOf(int unit) => HasGroups ? unit / GroupSize : 0;

    public int GroupCount => HasGroups ? UnitCount / GroupSize : 1;

    public static UnitLayout Unstructured(int rows, int cols) => new(PatternKind.Unstructured, rows, cols, 1, 1, 0, 0);

    /// <summary>The layout of <paramref name="pattern"/> on a [rows, cols] weight; the pattern must divide the shape (SPD103/104 judge that at build time).</summary>
    public static UnitLayout For(SparsityPatternSpec pattern, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        UnitLayout layout = pattern.Kind switch
        {
            PatternKind.Block => new(PatternKind.Block, rows, cols, pattern.BlockRows, pattern.BlockCols, 0, 0),
            PatternKind.Rows => new(PatternKind.Rows, rows, cols, 1, cols, 0, 0),
            PatternKind.NOfM => new(PatternKind.NOfM, rows, cols, 1, 1, pattern.M, pattern.N),
            _ => Unstructured(rows, cols),
        };
        if (layout.UnitHeight <= 0 || layout.UnitWidth <= 0 || rows % layout.UnitHeight != 0 || cols % layout.UnitWidth != 0
            || (layout.HasGroups && (cols % layout.GroupSize != 0 || layout.GroupActive > layout.GroupSize)))
        {
            throw new ArgumentException($"pattern {pattern} does not fit a [{rows}, {cols}] weight: its units must divide the shape", nameof(pattern));
        }

        return layout;
    }
}
