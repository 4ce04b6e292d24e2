namespace SparseDsl.Language.Tests.Lowering;

using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

public class ModelShapesTests
{
    [Fact]
    public void Shapes_FollowPreviousLayer()
    {
        var shapes = ModelShapes.Of(SetMlp());
        Assert.Equal(
            new[] { ("Pixels", 784, 784), ("Hidden1", 784, 1000), ("Hidden2", 1000, 1000), ("Hidden3", 1000, 1000), ("Output", 1000, 10) },
            shapes.Select(s => (s.Name, s.In, s.Out)).ToArray());
        Assert.Equal(0, shapes[0].DenseWeights);
        Assert.False(shapes[0].HasWeights);
        Assert.Equal(784_000, shapes[1].DenseWeights);
    }

    [Fact]
    public void DenseWeights_OfSetMlp() => Assert.Equal(784_000 + 1_000_000 + 1_000_000 + 10_000, ModelShapes.DenseWeights(SetMlp()));

    [Theory]
    [InlineData(1000, 0.1, 100)]
    [InlineData(1000, 0.00001, 1)]
    [InlineData(1000, 0, 0)]
    [InlineData(1000, 1, 1000)]
    [InlineData(10, 0.25, 3)]
    [InlineData(10, 0.35, 4)]
    public void ActiveWeights_RoundsWithAtLeastOne(long dense, double density, long active) =>
        Assert.Equal(active, ModelShapes.ActiveWeights(dense, density));

    [Fact]
    public void ForwardFlops_AreTwicePerActiveWeight()
    {
        DensityPlan plan = LayerDensities.Compute(SetMlp(0.9, Distribution.Uniform));
        long active = 78_400 + 100_000 + 100_000 + 10_000;
        Assert.Equal(active, ModelShapes.ActiveWeights(plan));
        Assert.Equal(2 * active, ModelShapes.ForwardFlopsPerSample(plan));
    }

    [Fact]
    public void LayerShape_ActiveWeights_UsesDensity() => Assert.Equal(50, new LayerShape("L", LayerKind.Dense, 10, 10).ActiveWeights(0.5));
}
