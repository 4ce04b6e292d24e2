using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD305: [Experiment(Data = ...)] names a data set this version cannot load.</summary>
public sealed class SPD305Tests
{
    private static string Experiment(string data) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = {{data}}, Steps = 1000, Batch = 64, EvalEvery = 100)]
        """);

    [Theory]
    [InlineData("\"synthetic\"")]
    [InlineData("\"fashion-mnist\"")]
    public void KnownDataSet_NoDiagnostic(string data) =>
        AnalyzerHarness.Verify(Experiment(data));

    [Fact]
    public void DataOmitted_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment("[Experiment(typeof(Mlp), Steps = 1000)]"));

    [Fact]
    public void UnknownDataSet_ReportsSPD305AtTheDataValue() =>
        AnalyzerHarness.Verify(Experiment("{|SPD305:\"imagenet\"|}"));

    [Fact]
    public void DataSetInWrongCase_ReportsSPD305AtTheDataValue() =>
        AnalyzerHarness.Verify(Experiment("{|SPD305:\"Fashion-MNIST\"|}"));

    [Fact]
    public void EmptyDataSet_ReportsSPD305AtTheDataValue() =>
        AnalyzerHarness.Verify(Experiment("{|SPD305:\"\"|}"));

    [Fact]
    public void UnknownDataSet_MessageNamesItAndListsTheKnownOnes()
    {
        string message = AnalyzerHarness.Single(Experiment("\"imagenet\""), "SPD305").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Data set 'imagenet' is unknown", message);
        Assert.Contains("known data sets: fashion-mnist, synthetic", message);
    }
}
