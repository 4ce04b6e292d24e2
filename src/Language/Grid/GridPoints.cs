using System;
using System.Collections.Generic;
using System.Linq;

namespace SparseDsl.Language;

/// <summary>One axis's value at a grid point.</summary>
public sealed record GridAssignment(string Axis, GridValue Value);

/// <summary>One point of a grid: a value for every axis, in the axes' declaration order.</summary>
public sealed record GridPoint(EquatableArray<GridAssignment> Values)
{
    /// <summary>The value of <paramref name="axis"/> at this point, or null when the grid has no such axis.</summary>
    public GridValue? this[string axis] => Values.FirstOrDefault(a => a.Axis == axis)?.Value;

    /// <summary>The number of <paramref name="axis"/> at this point, or <paramref name="fallback"/>.</summary>
    public double NumberOr(string axis, double fallback) => this[axis]?.Number ?? fallback;

    /// <summary><c>sparsity=0.9 seed=1</c>: the point in declaration order, for logs and tables.</summary>
    public override string ToString() => string.Join(" ", Values.Select(a => a.Axis + "=" + a.Value));
}

/// <summary>Expands grid axes into their cartesian product.</summary>
public static class GridPoints
{
    /// <summary>
    /// Every combination of the axes' values, the first axis varying slowest (like nested loops in declaration
    /// order). No axes give one empty point; an axis without values gives none.
    /// </summary>
    public static IReadOnlyList<GridPoint> Expand(IEnumerable<GridAxisSpec> axes)
    {
        GridAxisSpec[] list = axes.ToArray();
        var points = new List<GridPoint>();
        var current = new GridAssignment[list.Length];
        Fill(list, 0, current, points);
        return points;
    }

    /// <summary>How many points <see cref="Expand"/> would give (as a double, so a huge grid cannot overflow).</summary>
    public static double Count(IEnumerable<GridAxisSpec> axes) => axes.Aggregate(1.0, (n, axis) => n * axis.Values.Count);

    /// <summary>Parses [Grid] attributes as written; the first value string that does not parse is returned as the error.</summary>
    public static ParseResult<EquatableArray<GridAxisSpec>> Parse(IEnumerable<GridAxisText> axes)
    {
        var specs = new List<GridAxisSpec>();
        foreach (GridAxisText axis in axes)
        {
            ParseResult<EquatableArray<GridValue>> values = Expressions.ParseGridValues(axis.Values);
            if (!values.Success)
            {
                ParseError error = values.Error!;
                return ParseResult<EquatableArray<GridAxisSpec>>.Fail(error with { Message = $"grid axis '{axis.Name}': {error.Message}" });
            }

            specs.Add(new GridAxisSpec(axis.Name, values.Value));
        }

        return ParseResult<EquatableArray<GridAxisSpec>>.Ok(specs.ToEquatableArray());
    }

    private static void Fill(GridAxisSpec[] axes, int depth, GridAssignment[] current, List<GridPoint> points)
    {
        if (depth == axes.Length)
        {
            points.Add(new GridPoint(new EquatableArray<GridAssignment>(current)));
            return;
        }

        foreach (GridValue value in axes[depth].Values)
        {
            current[depth] = new GridAssignment(axes[depth].Name, value);
            Fill(axes, depth + 1, current, points);
        }
    }
}
