using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD304 (warning): the grid has more points than SparseDslMaxGridPoints (default 10,000).</summary>
public sealed class SPD304Tests
{
    [Fact]
    public void GridAtTheLimit_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("sparsity", "0, 0.5, 0.9")]
            [Grid("seed", "1..2")]
            """), maxGridPoints: 6);

    [Fact]
    public void GridUnderTheDefaultLimit_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("seed", "1..100")]
            [Grid("batch", "1..100")]
            """));

    [Fact]
    public void GridOverTheDefaultLimit_WarnsSPD304AtTheFirstAxisValues() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("seed", {|SPD304:"1..101"|})]
            [Grid("batch", "1..100")]
            """));

    [Fact]
    public void GridOverALowerLimit_WarnsSPD304AtTheFirstAxisValues() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("sparsity", {|SPD304:"0, 0.5, 0.9"|})]
            [Grid("seed", "1..2")]
            """), maxGridPoints: 5);

    [Fact]
    public void UnreadableLimit_UsesTheDefault() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("sparsity", "0, 0.5, 0.9")]
            [Grid("seed", "1..2")]
            """), maxGridPoints: 0);

    [Fact]
    public void GridOverTheLimit_IsAWarning() =>
        Assert.Equal(DiagnosticSeverity.Warning, AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"seed\", \"1..11\")]"), "SPD304", maxGridPoints: 10).Severity);

    [Fact]
    public void GridOverTheLimit_MessageGivesThePointsTheLimitAndHowToRaiseIt()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("""
            [Grid("seed", "1..101")]
            [Grid("batch", "1..100")]
            """), "SPD304").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("The grid has 10100 points, more than the limit of 10000", message);
        Assert.Contains("drop values or axes", message);
        Assert.Contains("SparseDslMaxGridPoints", message);
    }
}
