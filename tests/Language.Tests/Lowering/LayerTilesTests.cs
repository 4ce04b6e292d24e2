namespace SparseDsl.Language.Tests.Lowering;

using System.Linq;
using SparseDsl.Language;

/// <summary>The tiles a weight layer can be stored in: the generator prints one block-CSR kernel set for each.</summary>
public class LayerTilesTests
{
    private static readonly LayerShape Shape = new("Hidden", LayerKind.Dense, 32, 24); // weight [24, 32]

    private static readonly SparsityPatternSpec[] Grid =
    {
        Expressions.ParsePattern("unstructured").Value!,
        Expressions.ParsePattern("block 4x4").Value!,
        Expressions.ParsePattern("rows").Value!,
        Expressions.ParsePattern("2:4").Value!,
        Expressions.ParsePattern("block 2x8").Value!,
        Expressions.ParsePattern("block 4x4").Value!,
    };

    [Fact]
    public void LayerThatFollowsTheTarget_TakesTheGridsTilesOnceEach_RowsAsOneByIn()
    {
        var layer = new LayerSpec("Hidden", LayerKind.Dense, 24, Activation.Relu, false, null, null);

        Assert.Equal(new[] { new TileShape(1, 32), new TileShape(2, 8), new TileShape(4, 4) }, LayerTiles.Of(layer, Shape, Grid).ToArray());
    }

    [Fact]
    public void OwnBlockPattern_IsTheOnlyTile_WhateverTheGrid()
    {
        var layer = new LayerSpec("Hidden", LayerKind.Dense, 24, Activation.Relu, false, Expressions.ParsePattern("block 8x8").Value!, 0.5);

        Assert.Equal(new[] { new TileShape(8, 8) }, LayerTiles.Of(layer, Shape, Grid).ToArray());
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "unstructured")]
    [InlineData(false, "2:4")]
    public void KeepDenseOrOwnPatternPerWeight_HasNoTiles(bool keepDense, string? own)
    {
        var layer = new LayerSpec("Hidden", LayerKind.Dense, 24, Activation.Relu, keepDense, own is null ? null : Expressions.ParsePattern(own).Value!, null);

        Assert.Empty(LayerTiles.Of(layer, Shape, Grid));
    }

    [Fact]
    public void TileThatDoesNotDivideTheWeight_IsLeftOut()
    {
        var layer = new LayerSpec("Hidden", LayerKind.Dense, 24, Activation.Relu, false, null, null);

        Assert.Empty(LayerTiles.Of(layer, Shape, new[] { Expressions.ParsePattern("block 16x16").Value! }));
    }

    [Fact]
    public void GridPatterns_AreThePatternAxisValuesThatParse()
    {
        var experiment = new ExperimentSpec("N", "Study", "N.Model", "synthetic", 10, 8, 0, "sgd lr=0.1", "static", new[]
        {
            new GridAxisText("sparsity", "0.5, 0.9"),
            new GridAxisText("pattern", "unstructured, block 4x4, blocks 3, rows"),
        }.ToEquatableArray());

        Assert.Equal(new[] { "unstructured", "block 4x4", "rows" }, LayerTiles.GridPatterns(experiment).Select(p => p.ToString()).ToArray());
    }
}
