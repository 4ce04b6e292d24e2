using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD005: [Experiment(typeof(T))] names a type that is not a [SparseModel].</summary>
public sealed class SPD005Tests
{
    private const string Plain = "\n\npublic partial class Plain\n{\n}";

    [Fact]
    public void ExperimentOnASparseModel_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment(Declarations.ValidExperiment));

    [Fact]
    public void ExperimentOnAPlainClass_ReportsSPD005AtTheTypeofArgument() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment(Plain + "\n\n" + Declarations.ValidExperiment.Replace("typeof(Mlp)", "{|SPD005:typeof(Plain)|}")));

    [Fact]
    public void ExperimentOnABuiltInType_ReportsSPD005AtTheTypeofArgument() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment(Declarations.ValidExperiment.Replace("typeof(Mlp)", "{|SPD005:typeof(string)|}")));

    [Fact]
    public void ExperimentOnAPlainClass_MessageNamesTheTypeAndTheFix() =>
        Assert.Equal(
            "Experiment 'Study' names 'Tests.Plain', which is not a [SparseModel]; pass typeof of a partial class marked [SparseModel]",
            AnalyzerHarness.Single(Declarations.WithExperiment(Plain + "\n\n" + Declarations.ValidExperiment.Replace("typeof(Mlp)", "typeof(Plain)")), "SPD005")
                .GetMessage(CultureInfo.InvariantCulture));

    [Fact]
    public void ExperimentOnAnArrayType_NamesItInTheMessage() =>
        Assert.Contains(
            "names 'int[]', which is not a [SparseModel]",
            AnalyzerHarness.Single(Declarations.WithExperiment(Declarations.ValidExperiment.Replace("typeof(Mlp)", "typeof(int[])")), "SPD005")
                .GetMessage(System.Globalization.CultureInfo.InvariantCulture));
}
