using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD206: the schedule regrows by a criterion a layer's pattern cannot support (gradient or momentum regrowth on N:M).</summary>
public sealed class SPD206Tests
{
    /// <summary><see cref="Declarations.Model"/> with Hidden2 as 2:4.</summary>
    private static readonly string NOfMModel = Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"2:4\")", StringComparison.Ordinal);

    private static string Experiment(string schedule, string? model = null) => Declarations.File((model ?? NOfMModel) + $$"""


        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Optimizer("adamw lr=1e-3")]
        [SparsitySchedule({{schedule}})]
        public static partial class Study;
        """);

    [Fact]
    public void StaticScheduleOnNOfM_OnlyThePatternWarning() =>
        AnalyzerHarness.Verify(Experiment("\"static\""));

    [Fact]
    public void RandomRegrowthOnNOfM_NoSPD206() =>
        AnalyzerHarness.Verify(Experiment("\"rigl grow=random\""));

    [Fact]
    public void SetOnNOfM_NoSPD206() =>
        AnalyzerHarness.Verify(Experiment("\"set every=100\""));

    [Fact]
    public void GradientRegrowthOnUnstructured_NoSPD206() =>
        AnalyzerHarness.Verify(Experiment("\"rigl\"", Declarations.Model));

    [Fact]
    public void RiglDefaultGradientRegrowthOnNOfM_ReportsSPD206AtTheKind() =>
        AnalyzerHarness.Verify(Experiment("\"{|SPD206:rigl|} every=100\""));

    [Fact]
    public void ExplicitGradientRegrowthOnNOfM_ReportsSPD206AtTheGrowOption() =>
        AnalyzerHarness.Verify(Experiment("\"set {|SPD206:grow=gradient|}\""));

    [Fact]
    public void MomentumRegrowthOnNOfM_ReportsSPD206AtTheGrowOption() =>
        AnalyzerHarness.Verify(Experiment("\"smet every=50 {|SPD206:{|SPD401:grow=momentum|}|}\""));

    [Fact]
    public void GradientRegrowthOnNOfM_MessageNamesTheLayerAndTheFix()
    {
        var (source, _) = Markup.Parse(Experiment("\"rigl\""));
        string message = AnalyzerHarness.Single(source, "SPD206").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("'rigl' regrows by gradient", message);
        Assert.Contains("N:M layer 'Hidden2' (2:4)", message);
        Assert.Contains("use grow=random or an unstructured pattern", message);
    }

    [Fact]
    public void GridNOfMPatternWithGradientRegrowth_ReportsSPD206AtThePatternValue() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment("""
            [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
            [SparsitySchedule("rigl")]
            [Grid("pattern", "unstructured, {|SPD206:2:4|}")]
            """));

    [Fact]
    public void GridGradientScheduleValueOnAnNOfMLayer_ReportsSPD206AtTheScheduleValue() =>
        AnalyzerHarness.Verify(Declarations.File(NOfMModel + """


            [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
            [Grid("schedule", "static, set, {|SPD206:rigl|}")]
            public static partial class Study;
            """));
}
