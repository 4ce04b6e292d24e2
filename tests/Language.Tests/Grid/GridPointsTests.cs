namespace SparseDsl.Language.Tests.Grid;

using System.Linq;
using SparseDsl.Language;

public class GridPointsTests
{
    private static GridAxisSpec Axis(string name, string values) => new(name, SparseDsl.Language.Expressions.ParseGridValues(values).Value);

    [Fact]
    public void Expand_FirstAxisSlowest()
    {
        var points = GridPoints.Expand(new[] { Axis("sparsity", "0, 0.5"), Axis("seed", "1..3") });
        Assert.Equal(
            new[] { "sparsity=0 seed=1", "sparsity=0 seed=2", "sparsity=0 seed=3", "sparsity=0.5 seed=1", "sparsity=0.5 seed=2", "sparsity=0.5 seed=3" },
            points.Select(p => p.ToString()).ToArray());
        Assert.Equal(new[] { "sparsity", "seed" }, points[0].Values.Select(a => a.Axis).ToArray());
    }

    [Fact]
    public void Expand_ThreeAxes_CountsProduct()
    {
        var axes = new[] { Axis("lr", "1e-4..1e-2 x10"), Axis("batch", "32..128 x2"), Axis("distribution", "\"er\", \"erk\"") };
        Assert.Equal(18, GridPoints.Expand(axes).Count);
        Assert.Equal(18, GridPoints.Count(axes));
    }

    [Fact]
    public void Expand_NoAxes_GivesOneEmptyPoint() => Assert.Empty(Assert.Single(GridPoints.Expand(System.Array.Empty<GridAxisSpec>())).Values);

    [Fact]
    public void Expand_EmptyAxis_GivesNoPoints() =>
        Assert.Empty(GridPoints.Expand(new[] { Axis("seed", "1, 2"), new GridAxisSpec("lr", EquatableArray<GridValue>.Empty) }));

    [Fact]
    public void Point_LooksUpByName()
    {
        GridPoint point = GridPoints.Expand(new[] { Axis("sparsity", "0.9"), Axis("distribution", "\"erk\"") })[0];
        Assert.Equal(0.9, point["sparsity"]!.Number);
        Assert.Equal("erk", point["distribution"]!.Text);
        Assert.Null(point["seed"]);
        Assert.Equal(7, point.NumberOr("seed", 7));
    }

    [Fact]
    public void Parse_ReportsAxisInError()
    {
        var result = GridPoints.Parse(new[] { new GridAxisText("seed", "1"), new GridAxisText("lr", "1e-3,") });
        Assert.False(result.Success);
        Assert.Equal(6, result.Error!.Column);
        Assert.StartsWith("grid axis 'lr': unexpected end of input", result.Error.Message);
    }

    [Fact]
    public void Parse_GivesSpecs() =>
        Assert.Equal(3, GridPoints.Parse(new[] { new GridAxisText("seed", "1..3") }).Value[0].Values.Count);
}
