using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD308: the experiment's data set is not of the kind its model trains on (text for a language model, labelled examples otherwise).</summary>
public sealed class SPD308Tests
{
    private static string LanguageModelOn(string data) => Declarations.WithLanguageModelExperiment($$"""
        [Experiment(typeof(TinyLm), Data = {{data}}, Steps = 1000, Batch = 16, EvalEvery = 100)]
        """);

    private static string MlpOn(string data) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = {{data}}, Steps = 1000, Batch = 64, EvalEvery = 100)]
        """);

    [Theory]
    [InlineData("\"brown\"")]
    [InlineData("\"text:corpus.txt\"")]
    [InlineData("\"text:/data/books/all of it.txt\"")]
    public void LanguageModelOnText_NoDiagnostic(string data) =>
        AnalyzerHarness.Verify(LanguageModelOn(data));

    [Theory]
    [InlineData("\"fashion-mnist\"")]
    [InlineData("\"synthetic\"")]
    public void MlpOnLabelledExamples_NoDiagnostic(string data) =>
        AnalyzerHarness.Verify(MlpOn(data));

    [Theory]
    [InlineData("\"fashion-mnist\"")]
    [InlineData("\"synthetic\"")]
    public void LanguageModelOnLabelledExamples_ReportsSPD308AtTheDataValue(string data) =>
        AnalyzerHarness.Verify(LanguageModelOn("{|SPD308:" + data + "|}"));

    [Fact]
    public void LanguageModelWithDataLeftOut_ReportsSPD308AtTheExperimentAttribute() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModelExperiment("[{|SPD308:Experiment(typeof(TinyLm), Steps = 1000)|}]"));

    [Theory]
    [InlineData("\"brown\"")]
    [InlineData("\"text:corpus.txt\"")]
    public void MlpOnText_ReportsSPD308AtTheDataValue(string data) =>
        AnalyzerHarness.Verify(MlpOn("{|SPD308:" + data + "|}"));

    [Fact]
    public void TextWithoutAPath_ReportsSPD305NotSPD308() =>
        AnalyzerHarness.Verify(LanguageModelOn("{|SPD305:\"text:\"|}"));

    [Fact]
    public void UnknownDataSet_ReportsSPD305NotSPD308() =>
        AnalyzerHarness.Verify(LanguageModelOn("{|SPD305:\"wikitext\"|}"));

    [Fact]
    public void LanguageModelWithAnErrorOfItsOwn_StillReportsSPD308() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModelExperiment("""
            [Experiment(typeof(TinyLm), Data = {|SPD308:"fashion-mnist"|}, Steps = 1000)]
            """).Replace("heads: 4", "heads: {|SPD009:6|}"));

    [Fact]
    public void LanguageModelOnLabelledExamples_MessageNamesTheDataSetTheModelAndTheFix() =>
        Assert.Equal(
            "Data set 'fashion-mnist' holds labelled examples, but 'TinyLm' is a language model, which trains on text; use Data = \"brown\" or Data = \"text:PATH\" with a text file",
            Message(LanguageModelOn("\"fashion-mnist\"")));

    [Fact]
    public void LanguageModelWithDataLeftOut_MessageSaysSyntheticIsTheDefault() =>
        Assert.StartsWith(
            "Data set 'synthetic' (the default when Data is left out) holds labelled examples, but 'TinyLm' is a language model",
            Message(Declarations.WithLanguageModelExperiment("[Experiment(typeof(TinyLm), Steps = 1000)]")));

    [Fact]
    public void MlpOnText_MessageNamesTheDataSetTheModelAndTheFix() =>
        Assert.Equal(
            "Data set 'brown' is text, but 'Mlp' is an [Input] + [Dense] model, which trains on labelled examples; use Data = \"fashion-mnist\" or Data = \"synthetic\", or declare a language model for text",
            Message(MlpOn("\"brown\"")));

    private static string Message(string source) =>
        AnalyzerHarness.Single(source, "SPD308").GetMessage(CultureInfo.InvariantCulture);
}
