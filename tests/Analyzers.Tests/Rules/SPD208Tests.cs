using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD208: an optimizer option is out of range (lr, momentum, betas, eps, wd, min, warm-up longer than training).</summary>
public sealed class SPD208Tests
{
    [Fact]
    public void OptionsInRange_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw lr=1e-3 betas=0,0.999 eps=1e-8 wd=0 warmup=999 cosine min=1\""));

    [Theory]
    [InlineData("0")]
    [InlineData("-1e-3")]
    public void LearningRateNotPositive_ReportsSPD208AtTheOption(string lr) =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer($"\"adamw {{|SPD208:lr={lr}|}} wd=1e-4\""));

    [Theory]
    [InlineData("0.9,1")]
    [InlineData("-0.1,0.999")]
    [InlineData("1.5,2")]
    public void BetasOutsideHalfOpenUnitInterval_ReportsSPD208AtTheOption(string betas) =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer($"\"adamw lr=1e-3 {{|SPD208:betas={betas}|}}\""));

    [Theory]
    [InlineData("1000")]
    [InlineData("2000")]
    [InlineData("100%")]
    public void WarmupNotShorterThanTraining_ReportsSPD208AtTheOption(string warmup) =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer($"\"adamw lr=1e-3 {{|SPD208:warmup={warmup}|}} cosine\""));

    [Fact]
    public void OptionsWrittenWithSpaces_ReportSPD208AtTheWholeOption() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw {|SPD208:lr =0|} {|SPD208:betas = 0.9 , 1|} cosine\""));

    [Fact]
    public void NegativeWarmup_ReportsSPD208AtTheOption() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw {|SPD208:warmup=-10|}\""));

    [Fact]
    public void MomentumOfOne_ReportsSPD208AtTheOption() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd lr=0.1 {|SPD208:momentum=1|} nesterov\""));

    [Fact]
    public void EpsilonWeightDecayAndMinOutOfRange_ReportSPD208AtEachOption() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw {|SPD208:eps=0|} {|SPD208:wd=-1e-4|} cosine {|SPD208:min=1.5|}\""));

    [Fact]
    public void LearningRateNotPositive_MessageSuggestsALearningRate()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adamw lr=0\""), "SPD208").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("lr=0 must be above 0", message);
        Assert.Contains("use e.g. lr=1e-3", message);
    }

    [Fact]
    public void BetasOutOfRange_MessageShowsBothAndTheRange()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adamw betas=0.9,1\""), "SPD208").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("betas=0.9,1 must both be in [0, 1)", message);
        Assert.Contains("use e.g. betas=0.9,0.999", message);
    }

    [Fact]
    public void WarmupLongerThanTraining_MessageGivesTheStepsAndAFix()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adamw warmup=2000\""), "SPD208").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("warmup=2000 (2000 steps) must be shorter than the 1000 training steps", message);
        Assert.Contains("use e.g. warmup=5%", message);
    }
}
