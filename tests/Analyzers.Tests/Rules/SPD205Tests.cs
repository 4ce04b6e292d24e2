using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD205: gradual magnitude pruning (gmp) whose final sparsity to= is below its initial sparsity from=.</summary>
public sealed class SPD205Tests
{
    [Fact]
    public void StaticSchedule_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"static\""));

    [Fact]
    public void FinalAboveInitial_OnlyNotSupportedWarning() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp from=0 to=0.9\""));

    [Fact]
    public void FinalEqualToInitial_OnlyNotSupportedWarning() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp from=0.5 to=0.5\""));

    [Fact]
    public void FinalBelowInitial_ReportsSPD205AtTheFinalSparsity() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp from=0.5 {|SPD205:to=0.2|} every=50\""));

    [Fact]
    public void FinalBelowInitialWrittenFirst_ReportsSPD205AtTheFinalSparsity() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp {|SPD205:to=0|} from=0.8\""));

    [Fact]
    public void InitialOutOfRange_ReportsSPD101NotSPD205() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp {|SPD101:from=1.5|} to=0.2\""));

    [Fact]
    public void FinalBelowInitial_MessageSaysToRaiseTheFinalSparsity()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"gmp from=0.5 to=0.2\""), "SPD205").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("final sparsity to=0.2 is below its initial sparsity from=0.5", message);
        Assert.Contains("use to >= from", message);
    }
}
