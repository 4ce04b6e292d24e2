using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>
/// SPD209: SMET's method is invalid: its optimizer options (density-lr=, moment-warmup=) on sgd, which keeps no
/// moments, or out of range; the smet schedule with sgd; smet's warmup=/density-lr= out of range or different
/// from the optimizer's.
/// </summary>
public sealed class SPD209Tests
{
    private static string WithOptimizerAndSchedule(string optimizer, string schedule) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Optimizer({{optimizer}})]
        [SparsitySchedule({{schedule}})]
        """);

    [Fact]
    public void SmetOptionsOnAdamw_NoDiagnostic()
    {
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw lr=1e-3 density-lr=1 moment-warmup=100\""));
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw lr=1e-3 density-lr=0 moment-warmup=1\""));
    }

    [Fact]
    public void DensityLrOnSgd_ReportsSPD209AtTheOption() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd lr=0.1 {|SPD209:density-lr=1|}\""));

    [Fact]
    public void MomentWarmupOnSgd_ReportsSPD209AtTheOption() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd lr=0.1 momentum=0.9 {|SPD209:moment-warmup=100|}\""));

    [Fact]
    public void BothSmetOptionsOnSgd_ReportSPD209AtEach() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd {|SPD209:moment-warmup=100|} {|SPD209:density-lr=0.5|}\""));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.5")]
    public void DensityExponentOutsideUnitInterval_ReportsSPD209AtTheOption(string exponent) =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer($"\"adamw lr=1e-3 {{|SPD209:density-lr={exponent}|}}\""));

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    public void MomentWarmupBelowOneStep_ReportsSPD209AtTheOption(string steps) =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer($"\"adamw {{|SPD209:moment-warmup={steps}|}}\""));

    [Fact]
    public void SmetOptionOnSgd_MessageSaysItNeedsAdamw()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"sgd lr=0.1 density-lr=1\""), "SPD209").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("SMET option 'density-lr' is part of SMET's AdamW recipe and needs adamw", message);
        Assert.Contains("remove it or use adamw", message);
    }

    [Fact]
    public void MomentWarmupOnSgd_MessageSaysSgdKeepsNoMoments()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"sgd moment-warmup=100\""), "SPD209").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("'moment-warmup' warms up Adam's moments, which sgd does not keep, and needs adamw", message);
        Assert.Contains("remove it or use adamw", message);
    }

    [Fact]
    public void ZeroMomentWarmup_MessageSaysAtLeastOneStep()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adamw moment-warmup=0\""), "SPD209").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("moment-warmup=0 must be at least 1 step", message);
        Assert.Contains("use e.g. moment-warmup=100", message);
    }

    [Fact]
    public void DensityExponentOutOfRange_MessageGivesTheRangeAndValidValues()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adamw density-lr=1.5\""), "SPD209").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("density-lr=1.5 must be in [0, 1]", message);
        Assert.Contains("use density-lr=1 or density-lr=0.5", message);
    }

    [Fact]
    public void SmetMethodInTheScheduleWithAdamw_NoSPD209()
    {
        AnalyzerHarness.Verify(WithOptimizerAndSchedule("\"adamw lr=1e-3\"", "\"smet warmup=100 density-lr=1\""));
        AnalyzerHarness.Verify(WithOptimizerAndSchedule("\"adamw moment-warmup=100 density-lr=0.5\"", "\"smet warmup=100 density-lr=0.5\""));
    }

    [Fact]
    public void SmetScheduleWithSgd_ReportsSPD209AtTheScheduleKind() =>
        AnalyzerHarness.Verify(WithOptimizerAndSchedule("\"sgd lr=0.1 momentum=0.9\"", "\"{|SPD209:smet|} every=100\""));

    [Fact]
    public void WarmupInScheduleAndOptimizerDiffering_ReportsSPD209AtTheScheduleOption() =>
        AnalyzerHarness.Verify(WithOptimizerAndSchedule("\"adamw moment-warmup=100\"", "\"smet {|SPD209:warmup=50|}\""));

    [Fact]
    public void DensityExponentInScheduleAndOptimizerDiffering_ReportsSPD209AtTheScheduleOption() =>
        AnalyzerHarness.Verify(WithOptimizerAndSchedule("\"adamw density-lr=1\"", "\"smet every=100 {|SPD209:density-lr=0.5|}\""));

    [Theory]
    [InlineData("warmup=0")]
    [InlineData("density-lr=2")]
    public void SmetScheduleOptionOutOfRange_ReportsSPD209AtTheOption(string option) =>
        AnalyzerHarness.Verify(WithOptimizerAndSchedule("\"adamw\"", $"\"smet {{|SPD209:{option}|}}\""));

    [Fact]
    public void SmetScheduleWithSgd_MessageSaysSmetNeedsAdamw()
    {
        string message = AnalyzerHarness.Single(WithOptimizerAndSchedule("\"sgd lr=0.1\"", "\"smet\""), "SPD209").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Schedule 'smet' needs adamw", message);
        Assert.Contains("the optimizer \"sgd lr=0.1\" is sgd, which keeps no moments", message);
    }

    [Fact]
    public void WarmupGivenTwice_MessageNamesBothPlaces()
    {
        string message = AnalyzerHarness.Single(WithOptimizerAndSchedule("\"adamw moment-warmup=100\"", "\"smet warmup=50\""), "SPD209").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("warmup=50 in the schedule \"smet warmup=50\" and moment-warmup=100 in the optimizer \"adamw moment-warmup=100\"", message);
    }

    [Fact]
    public void GridSmetScheduleWithSgd_ReportsSPD209AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment("""
            [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
            [Optimizer("sgd lr=0.1")]
            [Grid("schedule", "set, {|SPD209:smet every=100|}")]
            """));
}
