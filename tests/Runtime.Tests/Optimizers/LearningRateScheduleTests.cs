using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Optimizers;

public class LearningRateScheduleTests
{
    private const double Lr = 1e-3;
    private const int Warmup = 10;
    private const int Total = 110;

    private static LearningRateSchedule Make(LrDecay decay, double min = 0.1) =>
        new(new OptimizerSpec(OptimizerKind.AdamW, Lr, Warmup: StepAmount.Steps(Warmup), Decay: decay, MinLrFraction: min), Total);

    [Theory]
    [InlineData(LrDecay.Constant)]
    [InlineData(LrDecay.Cosine)]
    [InlineData(LrDecay.Linear)]
    public void WarmUp_RisesLinearlyFromZero(LrDecay decay)
    {
        LearningRateSchedule schedule = Make(decay);
        Assert.Equal(0.0, schedule.At(0));
        Assert.Equal(Lr * 3 / Warmup, schedule.At(3), 15);
        Assert.Equal(Lr * (Warmup - 1) / Warmup, schedule.At(Warmup - 1), 15);
        Assert.Equal(Lr, schedule.At(Warmup), 15);
    }

    [Fact]
    public void Cosine_MatchesClosedFormAtMiddleAndEnd()
    {
        LearningRateSchedule schedule = Make(LrDecay.Cosine);
        // middle: p = 0.5 → min + (1 − min)·½
        Assert.Equal(Lr * (0.1 + 0.9 * 0.5), schedule.At(60), 15);
        // last executed step t = T − 1: p = 99/100
        Assert.Equal(Lr * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.99))), schedule.At(Total - 1), 15);
        // floor at t = T and after
        Assert.Equal(Lr * 0.1, schedule.At(Total), 15);
        Assert.Equal(Lr * 0.1, schedule.At(Total + 50), 15);
    }

    [Fact]
    public void Linear_MatchesClosedFormAtMiddleAndEnd()
    {
        LearningRateSchedule schedule = Make(LrDecay.Linear, min: 0);
        Assert.Equal(Lr * 0.5, schedule.At(60), 15);
        Assert.Equal(Lr * 0.01, schedule.At(Total - 1), 15);
        Assert.Equal(0.0, schedule.At(Total), 15);
    }

    [Fact]
    public void Constant_StaysAtPeakAndIgnoresFloor()
    {
        LearningRateSchedule schedule = Make(LrDecay.Constant, min: 0.5);
        Assert.Equal(Lr, schedule.At(60));
        Assert.Equal(Lr, schedule.At(Total));
    }

    [Fact]
    public void NoWarmup_StartsAtPeak()
    {
        var schedule = new LearningRateSchedule(new OptimizerSpec(OptimizerKind.Sgd, 0.1, Decay: LrDecay.Cosine), 100);
        Assert.Equal(0.1, schedule.At(0));
        Assert.Equal(0.05, schedule.At(50), 15);
        Assert.Equal(0.0, schedule.At(100), 15);
    }

    [Fact]
    public void FractionWarmup_ResolvesAgainstTotalSteps()
    {
        var spec = new OptimizerSpec(OptimizerKind.AdamW, Lr, Warmup: StepAmount.Fraction(0.05), Decay: LrDecay.Cosine);
        var schedule = new LearningRateSchedule(spec, 1000);
        Assert.Equal(50, schedule.WarmupSteps);
        Assert.Equal(Lr * 25 / 50, schedule.At(25), 15);
        Assert.Equal(Lr, schedule.At(50), 15);
    }

    [Fact]
    public void NegativeStep_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Make(LrDecay.Cosine).At(-1));
    }
}
