using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD305: [Experiment(Data = ...)] names a data set this version cannot load (text:PATH is known when it has a path).</summary>
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
        Assert.Contains("known data sets: fashion-mnist, synthetic, brown, text:PATH", message);
    }

    [Theory]
    [InlineData("\"text:\"")]
    [InlineData("\"text:   \"")]
    public void TextWithoutAPath_ReportsSPD305AtTheDataValue(string data) =>
        AnalyzerHarness.Verify(Experiment("{|SPD305:" + data + "|}"));

    [Fact]
    public void TextWithoutAPath_MessageSaysToNameAFile() =>
        Assert.Equal(
            "Data set 'text:' names no file; write text:PATH with the path of a text file, e.g. \"text:data/corpus.txt\"",
            AnalyzerHarness.Single(Experiment("\"text:\""), "SPD305").GetMessage(CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("\"brown\"")]
    [InlineData("\"text:corpus.txt\"")]
    public void TextDataSet_NoSPD305(string data) =>
        Assert.DoesNotContain(AnalyzerHarness.Analyze(Experiment(data)), d => d.Id == "SPD305");

    [Fact]
    public void TextPrefixInAnotherCase_ReportsSPD305AtTheDataValue() =>
        AnalyzerHarness.Verify(Experiment("{|SPD305:\"Text:corpus.txt\"|}"));
}
