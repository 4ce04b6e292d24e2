namespace SparseDsl.Language.Tests.Lowering;

using SparseDsl.Language;
using E = SparseDsl.Language.Expressions;

public class SmetMethodTests
{
    private static OptimizerSpec Optimizer(string text) => E.ParseOptimizer(text).Value!;

    private static SparsityScheduleSpec Schedule(string text) => E.ParseSchedule(text).Value!;

    [Fact]
    public void SmetGivenNowhere_TrainsWithSmetsDefaults()
    {
        OptimizerSpec effective = SmetMethod.EffectiveOptimizer(Optimizer("adamw lr=1e-3"), Schedule("smet"));

        Assert.Equal(100, effective.MomentWarmupSteps);
        Assert.Equal(1.0, effective.DensityLrExponent);
        Assert.Equal(Optimizer("adamw lr=1e-3 moment-warmup=100 density-lr=1"), effective);
    }

    [Fact]
    public void SmetOptionsInTheSchedule_SetTheOptimizer() =>
        Assert.Equal(
            Optimizer("adamw lr=2e-3 moment-warmup=50 density-lr=0.5"),
            SmetMethod.EffectiveOptimizer(Optimizer("adamw lr=2e-3"), Schedule("smet warmup=50 density-lr=0.5")));

    [Fact]
    public void SmetOptionsInTheOptimizer_AreKept() =>
        Assert.Equal(
            Optimizer("adamw moment-warmup=20 density-lr=0.5"),
            SmetMethod.EffectiveOptimizer(Optimizer("adamw moment-warmup=20 density-lr=0.5"), Schedule("smet")));

    [Fact]
    public void OneOptionInEachPlace_CombineWithTheDefaultForNeither()
    {
        OptimizerSpec effective = SmetMethod.EffectiveOptimizer(Optimizer("adamw density-lr=0.5"), Schedule("smet warmup=10"));

        Assert.Equal(10, effective.MomentWarmupSteps);
        Assert.Equal(0.5, effective.DensityLrExponent);
    }

    [Fact]
    public void ScheduleValue_WinsOverTheOptimizers() =>
        Assert.Equal(7, SmetMethod.EffectiveOptimizer(Optimizer("adamw moment-warmup=100"), Schedule("smet warmup=7")).MomentWarmupSteps);

    [Theory]
    [InlineData("static")]
    [InlineData("set")]
    [InlineData("rigl every=50")]
    [InlineData("gmp to=0.9")]
    public void OtherSchedules_LeaveTheOptimizerUnchanged(string schedule)
    {
        OptimizerSpec optimizer = Optimizer("adamw lr=1e-3 moment-warmup=30");

        Assert.Same(optimizer, SmetMethod.EffectiveOptimizer(optimizer, Schedule(schedule)));
        Assert.Null(SmetMethod.EffectiveOptimizer(Optimizer("adamw"), Schedule(schedule)).DensityLrExponent);
    }
}
