using SparseDsl.Language;
using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

/// <summary>The schedule as a pure function of the step, against the closed forms of SCIENCE.md §3.</summary>
public class TopologyScheduleTests
{
    private static SparsityScheduleSpec Parse(string text) => Expressions.ParseSchedule(text).Value!;

    [Theory]
    [InlineData("set every=100", 1000, new[] { 100, 200, 300, 400, 500, 600, 700, 800, 900 })]
    [InlineData("rigl", 1000, new[] { 100, 200, 300, 400, 500, 600, 700 })]
    [InlineData("set every=50 start=120 until=300", 1000, new[] { 170, 220, 270 })]
    [InlineData("gmp from=0 to=0.9 every=100", 1000, new[] { 200, 300, 400, 500, 600, 700, 800 })]
    [InlineData("gmp from=0 to=0.9 every=300 start=0 end=700", 1000, new[] { 300, 600, 700 })]
    [InlineData("static", 1000, new int[0])]
    public void UpdateSteps_FollowEveryStartAndEnd(string text, int total, int[] expected)
    {
        var schedule = new TopologySchedule(Parse(text), total);
        Assert.Equal(expected, Enumerable.Range(1, total).Where(schedule.UpdatesAfter));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(377)]
    [InlineData(700)]
    public void RiglCosine_IsHalfCosineOfProgressToTheEnd(int step)
    {
        var schedule = new TopologySchedule(Parse("rigl every=100 drop=0.3 cosine until=75%"), 1000);
        double expected = 0.3 / 2 * (1 + Math.Cos(Math.PI * step / 750.0));
        Assert.Equal(expected, schedule.DropFraction(step), 12);
    }

    [Fact]
    public void SmetCosine_DecaysToItsFloor_ConstantStaysPut()
    {
        var smet = new TopologySchedule(Parse("smet"), 1000);
        Assert.Equal(0.2, smet.DropFraction(0), 12);
        Assert.Equal(0.005 + (0.2 - 0.005) / 2, smet.DropFraction(500), 12);
        Assert.Equal(0.005, smet.DropFraction(1000), 12);
        var set = new TopologySchedule(Parse("set drop=0.25"), 1000);
        Assert.Equal(0.25, set.DropFraction(900));
    }

    [Fact]
    public void Gmp_FollowsZhuGuptaCubic_ReachesFinalAtEnd()
    {
        var schedule = new TopologySchedule(Parse("gmp from=0.1 to=0.9 start=100 end=600 every=50"), 1000);
        Assert.Equal(0.1, schedule.PrunedSparsity(0.1, 0.9, 100), 12);
        double progress = (350 - 100) / 500.0;
        Assert.Equal(0.9 + (0.1 - 0.9) * Math.Pow(1 - progress, 3), schedule.PrunedSparsity(0.1, 0.9, 350), 12);
        Assert.Equal(0.9, schedule.PrunedSparsity(0.1, 0.9, 600), 12);
        Assert.Equal(0.9, schedule.PrunedSparsity(0.1, 0.9, 900), 12);
        Assert.Equal(GrowCriterion.None, schedule.Grow);
    }

    [Fact]
    public void GrowCriterion_FollowsTheKind_MomentumIsRefusedInOneLine()
    {
        Assert.Equal(GrowCriterion.Random, new TopologySchedule(Parse("set"), 100).Grow);
        Assert.Equal(GrowCriterion.Gradient, new TopologySchedule(Parse("rigl"), 1000).Grow);
        Assert.Equal(GrowCriterion.Random, new TopologySchedule(Parse("rigl grow=random"), 1000).Grow);
        var error = Assert.Throws<NotSupportedException>(() => new TopologySchedule(Parse("rigl grow=momentum"), 1000));
        Assert.Contains("grow=random", error.Message);
    }
}
