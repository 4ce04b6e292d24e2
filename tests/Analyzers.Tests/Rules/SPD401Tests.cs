using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>
/// SPD401 (warning): a pattern (block, N:M, rows) or a regrowth criterion (momentum) this version cannot run yet:
/// SparseDsl generates nothing for the declaration (no network, no experiment program). Reported at the declaration's argument.
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
    public void UnsupportedPattern_WarnsSPD401AtThePatternArgument(string sparse)
    {
        int comma = sparse.IndexOf(',', StringComparison.Ordinal);
        string pattern = comma < 0 ? sparse : sparse.Substring(0, comma);
        string rest = comma < 0 ? "" : sparse.Substring(comma);
        AnalyzerHarness.Verify(Pattern("{|SPD401:" + pattern + "|}" + rest));
    }

    [Fact]
    public void NOfMPattern_WarnsSPD401AtThePatternArgument() =>
        AnalyzerHarness.Verify(Pattern("{|SPD401:\"2:4\"|}"));

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
    public void UnsupportedPattern_IsAWarningThatSaysWhatRunsInstead()
    {
        var diagnostic = AnalyzerHarness.Single(Pattern("\"block 16x16\""), "SPD401");
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("Pattern 'block 16x16' of layer 'Hidden2' is not supported by this version yet", message);
        Assert.Contains("SparseDsl generates no network for this model", message);
        Assert.Contains("supported now: unstructured", message);
    }

    [Fact]
    public void GridScheduleAndPatternValues_WarnSPD401AtEachUnsupportedValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("schedule", "static, set, \"smet\", {|SPD401:'set grow=momentum'|}")]
            [Grid("pattern", "unstructured, {|SPD206:{|SPD401:2:4|}|}, {|SPD401:rows|}")]
            """));

    [Fact]
    public void GridScheduleValue_IsAWarningThatSaysWhatRunsInstead()
    {
        var diagnostic = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"schedule\", \"static, rigl every=100 grow=momentum\")]"), "SPD401");

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("Value \"rigl every=100 grow=momentum\" of grid axis 'schedule': 'rigl' regrows by momentum (SNFS), which this version cannot run yet", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }
}
