using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD207: an [Optimizer] expression does not parse.</summary>
public sealed class SPD207Tests
{
    [Fact]
    public void ValidOptimizers_NoDiagnostic()
    {
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw lr=1e-3 betas=0.9,0.95 eps=1e-8 wd=1e-4 warmup=5% cosine min=0.1\""));
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd lr=0.1 momentum=0.9 nesterov wd=5e-4\""));
    }

    [Fact]
    public void NoOptimizerAttribute_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment("""
            [Declarations.WithOptimizer(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
            """));

    [Fact]
    public void UnknownKind_ReportsSPD207AtTheKind() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"{|SPD207:adam|} lr=1e-3\""));

    [Fact]
    public void MisspelledOption_ReportsSPD207AtTheOptionName() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw lr=1e-3 {|SPD207:momentun|}=0.9\""));

    [Fact]
    public void SgdOptionOnAdamw_ReportsSPD207AtTheOptionName() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw {|SPD207:momentum|}=0.9\""));

    [Fact]
    public void UnreadableValue_ReportsSPD207AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd lr={|SPD207:x|}\""));

    [Fact]
    public void NumberRunningIntoLetters_ReportsSPD207AtTheLetters() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw lr=1e-3 wd=1{|SPD207:m|}\""));

    [Fact]
    public void DuplicateOption_ReportsSPD207AtTheSecondOne() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"sgd lr=0.1 {|SPD207:lr|}=0.2\""));

    [Fact]
    public void ConflictingDecayFlags_ReportsSPD207AtTheSecondFlag() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("\"adamw cosine {|SPD207:linear|}\""));

    [Fact]
    public void EmptyOptimizer_ReportsSPD207AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.WithOptimizer("{|SPD207:\"\"|}"));

    [Fact]
    public void MisspelledOption_MessageNamesItAndListsTheKnownOptions()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adamw lr=1e-3 momentun=0.9\""), "SPD207").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("unknown option 'momentun' for adamw", message);
        Assert.Contains("known options: lr=, betas=, eps=, wd=", message);
    }

    [Fact]
    public void UnknownKind_MessageSaysWhichKindsExist()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"adam lr=1e-3\""), "SPD207").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("unexpected 'adam'", message);
        Assert.Contains("expected an optimizer: sgd or adamw", message);
    }

    [Fact]
    public void EmptyOptimizer_MessageSaysWhichKindsExist()
    {
        string message = AnalyzerHarness.Single(Declarations.WithOptimizer("\"\""), "SPD207").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("empty", message);
        Assert.Contains("sgd or adamw", message);
    }
}
