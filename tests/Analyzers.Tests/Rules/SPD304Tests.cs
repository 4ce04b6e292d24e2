using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD304 (warning): the grid has more points than SparseDslMaxGridPoints (default 10,000).</summary>
public sealed class SPD304Tests
{
    private static string Experiment(string grid) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        {{grid}}
        """);

    [Fact]
    public void GridAtTheLimit_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid("sparsity", "0, 0.5, 0.9")]
            [Grid("seed", "1..2")]
            """), maxGridPoints: 6);

    [Fact]
    public void GridUnderTheDefaultLimit_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid("seed", "1..100")]
            [Grid("batch", "1..100")]
            """));

    [Fact]
    public void GridOverTheDefaultLimit_WarnsSPD304AtTheFirstAxisValues() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid("seed", {|SPD304:"1..101"|})]
            [Grid("batch", "1..100")]
            """));

    [Fact]
    public void GridOverALowerLimit_WarnsSPD304AtTheFirstAxisValues() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid("sparsity", {|SPD304:"0, 0.5, 0.9"|})]
            [Grid("seed", "1..2")]
            """), maxGridPoints: 5);

    [Fact]
    public void UnreadableLimit_UsesTheDefault() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid("sparsity", "0, 0.5, 0.9")]
            [Grid("seed", "1..2")]
            """), maxGridPoints: 0);

    [Fact]
    public void GridOverTheLimit_IsAWarning() =>
        Assert.Equal(DiagnosticSeverity.Warning, AnalyzerHarness.Single(Experiment("[Grid(\"seed\", \"1..11\")]"), "SPD304", maxGridPoints: 10).Severity);

    [Fact]
    public void GridOverTheLimit_MessageGivesThePointsTheLimitAndHowToRaiseIt()
    {
        string message = AnalyzerHarness.Single(Experiment("""
            [Grid("seed", "1..101")]
            [Grid("batch", "1..100")]
            """), "SPD304").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("The grid has 10100 points, more than the limit of 10000", message);
        Assert.Contains("drop values or axes", message);
        Assert.Contains("SparseDslMaxGridPoints", message);
    }
}
