using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD303: the same [Grid] axis is declared twice; reported at the second (and any later) declaration.</summary>
public sealed class SPD303Tests
{
    [Fact]
    public void DistinctAxes_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("seed", "1, 2")]
            [Grid("sparsity", "0.5, 0.9")]
            """));

    [Fact]
    public void AxisTwice_ReportsSPD303AtTheSecondAxisName() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("seed", "1, 2")]
            [Grid("sparsity", "0.5, 0.9")]
            [Grid({|SPD303:"seed"|}, "3")]
            """));

    [Fact]
    public void AxisThreeTimes_ReportsSPD303AtTheSecondAndThird() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("lr", "1e-3")]
            [Grid({|SPD303:"lr"|}, "1e-2")]
            [Grid({|SPD303:"lr"|}, "1e-1")]
            """));

    [Fact]
    public void AxisTwice_TheFirstValuesAreStillJudged() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("sparsity", "0.5, {|SPD307:1.2|}")]
            [Grid({|SPD303:"sparsity"|}, "0.9")]
            """));

    [Fact]
    public void AxisTwice_MessageSaysToMergeTheValues()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("""
            [Grid("seed", "1, 2")]
            [Grid("seed", "3")]
            """), "SPD303").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Grid axis 'seed' is declared twice", message);
        Assert.Contains("put all its values in one [Grid(\"seed\", ...)]", message);
    }
}
