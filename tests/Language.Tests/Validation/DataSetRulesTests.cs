namespace SparseDsl.Language.Tests.Validation;

using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

/// <summary>SPD305 and SPD308 as pure functions: which data sets are known, and which fit which kind of model.</summary>
public class DataSetRulesTests
{
    private static readonly ViolationTarget Data = new("Examples.Study", Attribute: "Experiment", ArgumentName: "Data");

    private static System.Collections.Generic.IReadOnlyList<Violation> Check(string data, ModelSpec model) =>
        ExperimentRules.Validate(Experiment(data: data), model);

    [Theory]
    [InlineData("brown")]
    [InlineData("text:corpus.txt")]
    [InlineData("text: spaced name.txt")]
    public void LanguageModelOnText_IsClean(string data) => Check(data, LanguageModel()).Clean();

    [Theory]
    [InlineData("fashion-mnist")]
    [InlineData("synthetic")]
    public void MlpOnLabelledExamples_IsClean(string data) => Check(data, SetMlp()).Clean();

    [Theory]
    [InlineData("fashion-mnist")]
    [InlineData("synthetic")]
    public void LanguageModelOnLabelledExamples_ReportsSPD308AtData(string data)
    {
        Violation v = Check(data, LanguageModel()).Single("SPD308");
        Assert.Equal(Data, v.Target);
        Assert.Contains($"'{data}'", v.Message);
        Assert.Contains("'TinyLm' is a language model", v.Message);
    }

    [Theory]
    [InlineData("brown")]
    [InlineData("text:corpus.txt")]
    public void MlpOnText_ReportsSPD308AtData(string data)
    {
        Violation v = Check(data, SetMlp()).Single("SPD308");
        Assert.Equal(Data, v.Target);
        Assert.Contains("'Mlp' is an [Input] + [Dense] model", v.Message);
    }

    [Fact]
    public void LanguageModelWithErrorsOfItsOwn_StillReportsSPD308() =>
        Check("fashion-mnist", LanguageModel(Embedding(), Blocks(heads: 6), Norm(), Head())).Single("SPD308");

    [Fact]
    public void ModelMixingBothKinds_IsLeftToSPD003() =>
        Assert.DoesNotContain(Check("brown", LanguageModel(Input(8), Embedding(), Blocks(), Norm(), Head())), v => v.Rule.Id == "SPD308");

    [Fact]
    public void NoModel_ReportsSPD005NotSPD308() =>
        Assert.DoesNotContain(ExperimentRules.Validate(Experiment(data: "brown"), null), v => v.Rule.Id == "SPD308");

    [Theory]
    [InlineData("text:")]
    [InlineData("text:  ")]
    [InlineData("Text:corpus.txt")]
    [InlineData("wikitext")]
    public void UnknownOrPathlessData_ReportsSPD305NotSPD308(string data)
    {
        var violations = Check(data, LanguageModel());
        Assert.Equal(Data, violations.Single("SPD305").Target);
        Assert.DoesNotContain(violations, v => v.Rule.Id == "SPD308");
    }

    [Fact]
    public void KnownDataSets_IncludeBrown() =>
        Assert.Equal(new[] { "fashion-mnist", "synthetic", "brown" }, ExperimentRules.KnownDataSets);
}
