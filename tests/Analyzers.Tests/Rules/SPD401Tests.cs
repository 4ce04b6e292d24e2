using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>
/// SPD401 (warning): what this version cannot run yet — regrowth by momentum (SNFS) — gets nothing generated (no
/// experiment program), reported at the grow option; every pattern and schedule kind runs.
/// </summary>
public sealed class SPD401Tests
{
    private static string Schedule(string schedule) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [SparsitySchedule({{schedule}})]
        """);

    private static string Pattern(string sparse) => Declarations.WithExperiment(Declarations.ValidExperiment)
        .Replace("Sparse(\"unstructured\", 0.95)", "Sparse(" + sparse + ")", StringComparison.Ordinal);

    [Fact]
    public void StaticScheduleAndUnstructuredPattern_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment(Declarations.ValidExperiment));

    [Theory]
    [InlineData("gmp from=0 to=0.9 start=10% end=80% every=100")]
    [InlineData("set every=100 drop=0.3")]
    [InlineData("rigl every=100 drop=0.3 cosine until=75%")]
    [InlineData("smet every=100 drop=0.2 cosine floor=0.005")]
    public void DynamicSchedule_NoDiagnostic(string schedule) =>
        AnalyzerHarness.Verify(Schedule($"\"{schedule}\""));

    [Fact]
    public void MomentumRegrowth_WarnsSPD401AtTheGrowOption() =>
        AnalyzerHarness.Verify(Schedule("\"set every=100 {|SPD401:grow=momentum|}\""));

    [Fact]
    public void DynamicScheduleWithAnError_ReportsOnlyTheError() =>
        AnalyzerHarness.Verify(Schedule("\"set {|SPD203:drop=2|}\""));

    [Fact]
    public void ScheduleThatDoesNotParse_NoSPD401() =>
        AnalyzerHarness.Verify(Schedule("\"{|SPD201:sett|}\""));

    [Theory]
    [InlineData("\"block 16x16\"")]
    [InlineData("\"rows\"")]
    [InlineData("\"block 16x16\", 0.9")]
    [InlineData("\"2:4\"")]
    public void EveryPattern_NoDiagnostic(string sparse) =>
        AnalyzerHarness.Verify(Pattern(sparse));

    [Fact]
    public void MomentumRegrowth_IsAWarningThatSaysWhatRunsInstead()
    {
        var diagnostic = AnalyzerHarness.Single(Schedule("\"rigl every=100 grow=momentum\""), "SPD401");
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("'rigl' regrows by momentum (SNFS), which this version cannot run yet", message);
        Assert.Contains("SparseDsl generates no program for this experiment", message);
        Assert.Contains("use grow=random or grow=gradient", message);
    }

    [Fact]
    public void GridScheduleAndPatternValues_WarnSPD401AtTheMomentumScheduleOnly() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("schedule", "static, set, \"smet\", {|SPD401:'set grow=momentum'|}")]
            [Grid("pattern", "unstructured, 2:4, rows")]
            """));

    [Fact]
    public void GridScheduleValue_IsAWarningThatSaysWhatRunsInstead()
    {
        var diagnostic = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"schedule\", \"static, rigl every=100 grow=momentum\")]"), "SPD401");

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("Value \"rigl every=100 grow=momentum\" of grid axis 'schedule': 'rigl' regrows by momentum (SNFS), which this version cannot run yet", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }
}
