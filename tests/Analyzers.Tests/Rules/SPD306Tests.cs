using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD306: Steps or Batch not positive, EvalEvery negative, or EvalEvery larger than Steps.</summary>
public sealed class SPD306Tests
{
    private static string Experiment(string arguments) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", {{arguments}})]
        [Optimizer("adamw lr=1e-3 warmup=5%")]
        """);

    [Fact]
    public void PositiveAndConsistent_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("Steps = 1000, Batch = 64, EvalEvery = 1000"));

    [Fact]
    public void EvalOnlyAtTheEnd_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("Steps = 1000, Batch = 64, EvalEvery = 0"));

    [Theory]
    [InlineData("0")]
    [InlineData("-100")]
    public void StepsNotPositive_ReportsSPD306AtTheStepsValue(string steps) =>
        AnalyzerHarness.Verify(Experiment($"Steps = {{|SPD306:{steps}|}}, Batch = 64"));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void BatchNotPositive_ReportsSPD306AtTheBatchValue(string batch) =>
        AnalyzerHarness.Verify(Experiment($"Steps = 1000, Batch = {{|SPD306:{batch}|}}, EvalEvery = 100"));

    [Fact]
    public void NegativeEvalInterval_ReportsSPD306AtTheEvalEveryValue() =>
        AnalyzerHarness.Verify(Experiment("Steps = 1000, Batch = 64, EvalEvery = {|SPD306:-10|}"));

    [Fact]
    public void EvalIntervalLargerThanSteps_ReportsSPD306AtTheEvalEveryValue() =>
        AnalyzerHarness.Verify(Experiment("Steps = 100, Batch = 64, EvalEvery = {|SPD306:500|}"));

    [Fact]
    public void StepsAndBatchZero_ReportsSPD306AtEach() =>
        AnalyzerHarness.Verify(Experiment("Batch = {|SPD306:0|}, Steps = {|SPD306:0|}"));

    [Fact]
    public void StepsNotPositive_MessageSuggestsAStepCount()
    {
        string message = AnalyzerHarness.Single(Experiment("Steps = 0, Batch = 64"), "SPD306").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Steps = 0 must be positive", message);
        Assert.Contains("use e.g. Steps = 1000", message);
    }

    [Fact]
    public void EvalIntervalLargerThanSteps_MessageSaysItNeverEvaluatesAndTheFix()
    {
        string message = AnalyzerHarness.Single(Experiment("Steps = 100, Batch = 64, EvalEvery = 500"), "SPD306").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("EvalEvery = 500 is larger than Steps = 100", message);
        Assert.Contains("use at most 100 or 0 for only the end", message);
    }
}
