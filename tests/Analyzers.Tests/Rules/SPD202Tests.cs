using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD202: a schedule's update interval (every=) is not positive, or not shorter than training.</summary>
public sealed class SPD202Tests
{
    private static string Experiment(string schedule, int steps = 1000, string grid = "") => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = {{steps}}, Batch = 64, EvalEvery = 10)]
        [Optimizer("adamw lr=1e-3")]
        [SparsitySchedule({{schedule}})]
        {{grid}}
        """);

    [Fact]
    public void StaticSchedule_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("\"static\""));

    [Fact]
    public void IntervalShorterThanTraining_OnlyNotSupportedWarning() =>
        AnalyzerHarness.Verify(Experiment("\"set every=100\""));

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void IntervalNotPositive_ReportsSPD202AtTheOption(string every) =>
        AnalyzerHarness.Verify(Experiment($"\"set {{|SPD202:every={every}|}}\""));

    [Fact]
    public void IntervalWrittenWithSpaces_ReportsSPD202AtTheWholeOption() =>
        AnalyzerHarness.Verify(Experiment("\"set {|SPD202:every = 0|} drop=0.3\""));

    [Fact]
    public void IntervalEqualToSteps_ReportsSPD202AtTheOption() =>
        AnalyzerHarness.Verify(Experiment("\"rigl {|SPD202:every=1000|} drop=0.3\""));

    [Fact]
    public void GmpIntervalLongerThanTraining_ReportsSPD202AtTheOption() =>
        AnalyzerHarness.Verify(Experiment("\"gmp to=0.9 {|SPD202:every=5000|}\""));

    [Fact]
    public void DefaultIntervalLongerThanShortTraining_ReportsSPD202AtTheWholeArgument() =>
        AnalyzerHarness.Verify(Experiment("{|SPD202:\"rigl\"|}", steps: 50));

    [Fact]
    public void IntervalLongerThanShortestGridRun_ReportsSPD202AtTheOption() =>
        AnalyzerHarness.Verify(Experiment("\"set {|SPD202:every=100|}\"", grid: "[Grid(\"steps\", \"50, 1000\")]"));

    [Fact]
    public void IntervalNotPositive_MessageSaysWhatIsWrongAndSuggestsAnInterval()
    {
        string message = AnalyzerHarness.Single(Experiment("\"set every=0\""), "SPD202").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("every=0 of 'set'", message);
        Assert.Contains("must be positive and shorter than the 1000 training steps", message);
        Assert.Contains("use e.g. every=100", message);
    }

    [Fact]
    public void IntervalLongerThanShortestGridRun_MessageNamesTheShortestRun()
    {
        string message = AnalyzerHarness.Single(Experiment("\"set every=100\"", grid: "[Grid(\"steps\", \"50, 1000\")]"), "SPD202").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("shorter than the 50 training steps", message);
        Assert.Contains("use e.g. every=5", message);
    }

    [Fact]
    public void GridScheduleIntervalTooLong_ReportsSPD202AtTheValue() =>
        AnalyzerHarness.Verify(Experiment("\"static\"", grid: "[Grid(\"schedule\", \"static, {|SPD202:set every=5000|}\")]"));
}
