namespace SparseDsl.Language.Tests.Validation;

using System.Collections.Generic;
using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

/// <summary>SPD209 for SMET's method written in the schedule (smet warmup= density-lr=) against the optimizer.</summary>
public class SmetRulesTests
{
    private static IReadOnlyList<Violation> Errors(string optimizer, string schedule) =>
        ExperimentRules.Validate(Experiment(optimizer: optimizer, schedule: schedule), SetMlp()).Where(v => v.Rule.Id != "SPD401").ToList();

    [Theory]
    [InlineData("adamw lr=1e-3", "smet warmup=100 density-lr=1")]
    [InlineData("adamw lr=1e-3 moment-warmup=100 density-lr=0.5", "smet")]
    [InlineData("adamw lr=1e-3 moment-warmup=100 density-lr=0.5", "smet warmup=100 density-lr=0.5")]
    [InlineData("adamw moment-warmup=50", "smet density-lr=0")]
    [InlineData("adamw", "smet warmup=1 density-lr=1")]
    public void SmetMethodGivenOnceOrAlike_IsClean(string optimizer, string schedule) => Errors(optimizer, schedule).Clean();

    [Fact]
    public void SmetWithSgd_ReportsSPD209AtTheKindSayingItNeedsAdamw()
    {
        Violation v = Errors("sgd lr=0.1 momentum=0.9", "  smet every=100").Single("SPD209");

        Assert.Equal("SparsitySchedule", v.Target.Attribute);
        Assert.Equal(3, v.Target.Column);
        Assert.Equal(4, v.Target.Length);
        Assert.Contains("Schedule 'smet' needs adamw", v.Message);
        Assert.Contains("the optimizer \"sgd lr=0.1 momentum=0.9\" is sgd, which keeps no moments", v.Message);
    }

    [Theory]
    [InlineData("set")]
    [InlineData("rigl")]
    [InlineData("static")]
    public void OtherSchedulesWithSgd_AreClean(string schedule) => Errors("sgd lr=0.1", schedule).Clean();

    [Fact]
    public void WarmupInBothPlacesDiffering_ReportsSPD209NamingBoth()
    {
        Violation v = Errors("adamw moment-warmup=100", "smet every=100 warmup=50").Single("SPD209");

        Assert.Equal(16, v.Target.Column);
        Assert.Equal("warmup=50".Length, v.Target.Length);
        Assert.Contains("warmup=50 in the schedule \"smet every=100 warmup=50\"", v.Message);
        Assert.Contains("moment-warmup=100 in the optimizer \"adamw moment-warmup=100\"", v.Message);
        Assert.Contains("give it once", v.Message);
    }

    [Fact]
    public void DensityExponentInBothPlacesDiffering_ReportsSPD209NamingBoth()
    {
        Violation v = Errors("adamw density-lr=1", "smet density-lr=0.5").Single("SPD209");

        Assert.Equal(6, v.Target.Column);
        Assert.Equal("density-lr=0.5".Length, v.Target.Length);
        Assert.Contains("density-lr=0.5 in the schedule \"smet density-lr=0.5\" and density-lr=1 in the optimizer \"adamw density-lr=1\"", v.Message);
    }

    [Theory]
    [InlineData("smet warmup=0", "warmup=0", "must be at least 1 step")]
    [InlineData("smet warmup=-3", "warmup=-3", "must be at least 1 step")]
    [InlineData("smet density-lr=1.5", "density-lr=1.5", "must be in [0, 1]")]
    [InlineData("smet density-lr=-0.5", "density-lr=-0.5", "must be in [0, 1]")]
    public void SmetMethodOptionOutOfRange_ReportsSPD209AtTheOption(string schedule, string option, string message)
    {
        Violation v = Errors("adamw", schedule).Single("SPD209");

        Assert.Equal(schedule.IndexOf(option, System.StringComparison.Ordinal) + 1, v.Target.Column);
        Assert.Equal(option.Length, v.Target.Length);
        Assert.Contains(message, v.Message);
    }

    [Fact]
    public void OptimizerThatDoesNotParse_LeavesTheSmetChecksToSPD207() =>
        Assert.Equal(new[] { "SPD207" }, Errors("adam lr=1e-3", "smet warmup=50").Ids());
}
