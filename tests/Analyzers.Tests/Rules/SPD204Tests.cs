using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD204: a schedule ends before it starts, starts outside training, or ends after training (start=, until=, end=).</summary>
public sealed class SPD204Tests
{
    [Fact]
    public void StaticSchedule_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"static\""));

    [Fact]
    public void WindowInsideTraining_OnlyNotSupportedWarning() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"rigl start=10% until=75%\""));

    [Theory]
    [InlineData("2000")]
    [InlineData("1000")]
    [InlineData("100%")]
    [InlineData("-5")]
    public void StartOutsideTraining_ReportsSPD204AtTheStart(string start) =>
        AnalyzerHarness.Verify(Declarations.WithSchedule($"\"set {{|SPD204:start={start}|}}\""));

    [Fact]
    public void UntilBeforeStart_ReportsSPD204AtTheUntil() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"rigl start=50% {|SPD204:until=10%|}\""));

    [Fact]
    public void UntilEqualToStart_ReportsSPD204AtTheUntil() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"set start=500 {|SPD204:until=500|}\""));

    [Fact]
    public void UntilAfterTraining_ReportsSPD204AtTheUntil() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"set {|SPD204:until=2000|}\""));

    [Fact]
    public void GmpEndBeforeStart_ReportsSPD204AtTheEnd() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp to=0.9 start=50% {|SPD204:end=20%|}\""));

    [Fact]
    public void StartAfterDefaultUntil_ReportsSPD204AtTheStart() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"rigl {|SPD204:start=80%|}\""));

    [Fact]
    public void GmpEndBeforeDefaultStart_ReportsSPD204AtTheEnd() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"gmp to=0.9 {|SPD204:end=5%|}\""));

    [Fact]
    public void StartOutsideTraining_MessageGivesTheValidRange()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"set start=2000\""), "SPD204").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("starts at step 2000 (start=2000)", message);
        Assert.Contains("outside the 1000 training steps", message);
        Assert.Contains("start between 0 and 999", message);
    }

    [Fact]
    public void UntilBeforeStart_MessageSaysToMakeItLater()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"rigl start=50% until=10%\""), "SPD204").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("ends at step 100 (until=10%)", message);
        Assert.Contains("not after it starts at step 500", message);
        Assert.Contains("make until later than start", message);
    }

    [Fact]
    public void StartAfterDefaultUntil_MessageNamesTheDefaultAndBothFixes()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"rigl start=80%\""), "SPD204").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("ends at step 750 (default until=75%), not after it starts at step 800 (start=80%)", message);
        Assert.Contains("start earlier, or give a later until", message);
    }

    [Fact]
    public void UntilAfterTraining_MessageSuggestsAtMostAllOfTraining()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"set until=2000\""), "SPD204").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("after training ends at step 1000", message);
        Assert.Contains("use at most until=100%", message);
    }
}
