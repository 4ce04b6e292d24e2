using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD203: a schedule's drop fraction (drop=) is outside (0, 1), or its floor (floor=) outside [0, drop].</summary>
public sealed class SPD203Tests
{
    [Fact]
    public void StaticSchedule_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"static\""));

    [Fact]
    public void DropInsideRange_OnlyNotSupportedWarning() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"set every=100 drop=0.3\""));

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void DropOutsideOpenUnitInterval_ReportsSPD203AtTheOption(string drop) =>
        AnalyzerHarness.Verify(Declarations.WithSchedule($"\"set every=100 {{|SPD203:drop={drop}|}}\""));

    [Fact]
    public void RiglDropOfOne_ReportsSPD203AtTheOption() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"rigl {|SPD203:drop=1|} cosine until=75%\""));

    [Fact]
    public void FloorAboveDrop_ReportsSPD203AtTheFloor() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"smet drop=0.2 {|SPD203:floor=0.5|}\""));

    [Fact]
    public void DropOutsideRange_MessageSaysTheRangeAndAFix()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"set drop=1.5\""), "SPD203").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("drop=1.5 of 'set'", message);
        Assert.Contains("must be in (0, 1)", message);
        Assert.Contains("use e.g. drop=0.3", message);
    }

    [Fact]
    public void FloorAboveDrop_MessageNamesTheDrop()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"smet floor=0.5\""), "SPD203").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("floor=0.5 of 'smet'", message);
        Assert.Contains("must be in [0, drop=0.2]", message);
    }
}
