using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD203: a schedule's drop fraction (drop=) is outside (0, 1), or its floor (floor=) outside [0, drop].</summary>
public sealed class SPD203Tests
{
    private static string Experiment(string schedule) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Optimizer("adamw lr=1e-3")]
        [SparsitySchedule({{schedule}})]
        """);

    [Fact]
    public void StaticSchedule_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("\"static\""));

    [Fact]
    public void DropInsideRange_OnlyNotSupportedWarning() =>
        AnalyzerHarness.Verify(Experiment("\"{|SPD401:set every=100 drop=0.3|}\""));

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void DropOutsideOpenUnitInterval_ReportsSPD203AtTheOption(string drop) =>
        AnalyzerHarness.Verify(Experiment($"\"{{|SPD401:set every=100 {{|SPD203:drop={drop}|}}|}}\""));

    [Fact]
    public void RiglDropOfOne_ReportsSPD203AtTheOption() =>
        AnalyzerHarness.Verify(Experiment("\"{|SPD401:rigl {|SPD203:drop=1|} cosine until=75%|}\""));

    [Fact]
    public void FloorAboveDrop_ReportsSPD203AtTheFloor() =>
        AnalyzerHarness.Verify(Experiment("\"{|SPD401:smet drop=0.2 {|SPD203:floor=0.5|}|}\""));

    [Fact]
    public void DropOutsideRange_MessageSaysTheRangeAndAFix()
    {
        string message = AnalyzerHarness.Single(Experiment("\"set drop=1.5\""), "SPD203").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("drop=1.5 of 'set'", message);
        Assert.Contains("must be in (0, 1)", message);
        Assert.Contains("use e.g. drop=0.3", message);
    }

    [Fact]
    public void FloorAboveDrop_MessageNamesTheDrop()
    {
        string message = AnalyzerHarness.Single(Experiment("\"smet floor=0.5\""), "SPD203").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("floor=0.5 of 'smet'", message);
        Assert.Contains("must be in [0, drop=0.2]", message);
    }
}
