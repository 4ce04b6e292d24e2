using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD209: SMET optimizer options (density-lr=, moment-warmup=) on sgd, which keeps no moments, or out of range.</summary>
public sealed class SPD209Tests
{
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
}
