namespace SparseDsl.Language.Tests.Lowering;

using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

public class LayerDensitiesTests
{
    private static double Kept(DensityPlan plan, DensitySource source = DensitySource.Target) =>
        plan.Layers.Where(l => l.Source == source).Sum(l => l.Density * l.DenseWeights);

    private static double DenseCount(DensityPlan plan, DensitySource source = DensitySource.Target) =>
        plan.Layers.Where(l => l.Source == source).Sum(l => (double)l.DenseWeights);

    [Theory]
    [InlineData(Distribution.Uniform, 0.5)]
    [InlineData(Distribution.Uniform, 0.95)]
    [InlineData(Distribution.Er, 0.9)]
    [InlineData(Distribution.Erk, 0.9)]
    [InlineData(Distribution.Erk, 0.99)]
    [InlineData(Distribution.Erk, 0.3)]
    public void Totals_MatchTargetWithinOneWeight(Distribution distribution, double sparsity)
    {
        DensityPlan plan = LayerDensities.Compute(SetMlp(sparsity, distribution));
        Assert.True(plan.Success, plan.Failure);
        Assert.Equal((1 - sparsity) * DenseCount(plan), Kept(plan), 0);
        Assert.InRange(System.Math.Abs(Kept(plan) - (1 - sparsity) * DenseCount(plan)), 0, 1);
        Assert.All(plan.Layers, l => Assert.InRange(l.Density, 0, 1));
        Assert.Equal(1.0, plan.DensityOf("Output"));
    }

    [Fact]
    public void Uniform_GivesEveryFreeLayerTheSameDensity()
    {
        DensityPlan plan = LayerDensities.Compute(SetMlp(0.9, Distribution.Uniform));
        Assert.All(plan.Layers.Where(l => l.Source == DensitySource.Target), l => Assert.Equal(0.1, l.Density, 12));
    }

    [Fact]
    public void Erk_GivesSmallerLayersHigherDensity()
    {
        DensityPlan plan = LayerDensities.Compute(SetMlp(0.9, Distribution.Erk));
        Assert.True(plan.DensityOf("Hidden1") > plan.DensityOf("Hidden2"));
        Assert.Equal(plan.DensityOf("Hidden2"), plan.DensityOf("Hidden3"));
    }

    [Fact]
    public void Erk_TwoLayers_MatchesHandComputedClosedForm()
    {
        // A: 100 -> 100 (10000 weights, (100+100)/10000 = 0.02); B: 100 -> 10 (1000 weights, 110/1000 = 0.11).
        // Target 0.9 keeps 0.1 * 11000 = 1100 weights: eps = 1100 / (200 + 110) = 1100/310.
        ModelSpec model = Model(0.9, Distribution.Erk, Input(100), Dense("A", 100), Dense("B", 10));
        DensityPlan plan = LayerDensities.Compute(model);
        double epsilon = 1100.0 / 310.0;
        Assert.Equal(epsilon * 0.02, plan.DensityOf("A")!.Value, 12);
        Assert.Equal(epsilon * 0.11, plan.DensityOf("B")!.Value, 12);
    }

    [Fact]
    public void Erk_LayerAboveOne_IsMadeDenseAndEpsilonResolved()
    {
        // Same layers at 0.5: eps = 5500/310 would give B 1.95, so B is dense and A keeps 5500 - 1000 = 4500 of 10000.
        ModelSpec model = Model(0.5, Distribution.Erk, Input(100), Dense("A", 100), Dense("B", 10));
        DensityPlan plan = LayerDensities.Compute(model);
        Assert.Equal(1.0, plan.DensityOf("B"));
        Assert.Equal(0.45, plan.DensityOf("A")!.Value, 12);
        Assert.Equal(5500, Kept(plan), 6);
    }

    [Fact]
    public void Er_EqualsErkForDenseLayers()
    {
        double[] er = LayerDensities.Compute(SetMlp(0.8, Distribution.Er)).Layers.Select(l => l.Density).ToArray();
        double[] erk = LayerDensities.Compute(SetMlp(0.8, Distribution.Erk)).Layers.Select(l => l.Density).ToArray();
        Assert.Equal(er, erk);
    }

    [Fact]
    public void ZeroTarget_KeepsEveryLayerDense() =>
        Assert.All(LayerDensities.Compute(SetMlp(0, Distribution.Erk)).Layers, l => Assert.Equal(1.0, l.Density));

    [Fact]
    public void OwnSparsityAndPattern_KeepTheirDensity()
    {
        ModelSpec model = Model(
            0.9,
            Distribution.Erk,
            Input(64),
            Dense("Own", 64, SparsityPatternSpec.Unstructured, 0.75),
            Dense("NofM", 64, new SparsityPatternSpec(PatternKind.NOfM, N: 1, M: 4)),
            Dense("Free", 64),
            Dense("Kept", 10, keepDense: true));
        DensityPlan plan = LayerDensities.Compute(model);
        Assert.Equal(0.25, plan.DensityOf("Own")!.Value, 12);
        Assert.Equal(0.25, plan.DensityOf("NofM"));
        Assert.Equal(0.1, plan.DensityOf("Free")!.Value, 12);
        Assert.Equal(1.0, plan.DensityOf("Kept"));
        Assert.Equal(
            new[] { DensitySource.Own, DensitySource.Pattern, DensitySource.Target, DensitySource.KeepDense },
            plan.Layers.Select(l => l.Source).ToArray());
    }

    [Fact]
    public void PatternWithoutSparsity_FollowsTheTarget()
    {
        ModelSpec model = Model(0.5, Distribution.Uniform, Input(64), Dense("Blocks", 64, new SparsityPatternSpec(PatternKind.Block, 16, 16)));
        Assert.Equal(0.5, LayerDensities.Compute(model).DensityOf("Blocks"));
    }

    [Fact]
    public void NoFreeLayer_FailsWithReason()
    {
        ModelSpec model = Model(0.9, Distribution.Uniform, Input(4), Dense("Out", 10, keepDense: true));
        DensityPlan plan = LayerDensities.Compute(model);
        Assert.False(plan.Success);
        Assert.Contains("no layer to apply to", plan.Failure);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    public void TargetOutOfRange_Fails(double sparsity) =>
        Assert.Contains("outside [0, 1)", LayerDensities.Compute(SetMlp(), sparsity, Distribution.Uniform).Failure);

    [Fact]
    public void ExplicitTarget_OverridesModelTarget() =>
        Assert.Equal(0.5, LayerDensities.Compute(SetMlp(0.9, Distribution.Erk), 0.5, Distribution.Uniform).DensityOf("Hidden2"));
}
