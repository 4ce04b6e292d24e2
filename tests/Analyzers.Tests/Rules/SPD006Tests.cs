using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD006: the loss does not fit the output layer (a softmax over one unit), or the model (NextToken needs a language model, and a language model needs NextToken).</summary>
public sealed class SPD006Tests
{
    [Fact]
    public void SoftmaxOnTenUnits_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void MeanSquaredErrorOnOneUnit_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[SparseModel(Loss = Loss.MeanSquaredError)]")));

    [Fact]
    public void SoftmaxOnOneUnit_ReportsSPD006AtTheLossArgument() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[SparseModel(Loss = {|SPD006:Loss.SoftmaxCrossEntropy|})]")));

    [Fact]
    public void DefaultLossOnOneUnit_ReportsSPD006AtTheSparseModelAttribute() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[{|SPD006:SparseModel|}]")));

    [Fact]
    public void NextTokenOnOneUnit_ReportsSPD006AtTheLossArgument() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[SparseModel(Loss = {|SPD006:Loss.NextToken|})]")));

    [Fact]
    public void SoftmaxOnOneUnit_MessageSaysWhatFits() =>
        Assert.Equal(
            "SoftmaxCrossEntropy needs at least 2 output units, but output layer 'Output' has 1; give it one unit per class or use Loss.MeanSquaredError",
            Message(OneUnitOutput("[SparseModel(Loss = Loss.SoftmaxCrossEntropy)]")));

    [Fact]
    public void NextTokenOnOneUnit_MessageSaysItNeedsALanguageModel() =>
        Assert.Equal(
            "Loss.NextToken needs a language model ([Embedding], [TransformerBlock], [LayerNorm], [Unembedding]); model 'Regressor' is an [Input] + [Dense] network, so use Loss.SoftmaxCrossEntropy",
            Message(OneUnitOutput("[SparseModel(Loss = Loss.NextToken)]")));

    [Fact]
    public void NextTokenOnAnMlpWithTenOutputs_ReportsSPD006AtTheLossArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Loss = Loss.SoftmaxCrossEntropy", "Loss = {|SPD006:Loss.NextToken|}")));

    [Fact]
    public void LanguageModelWithNextToken_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.LanguageModel));

    [Theory]
    [InlineData("Loss.SoftmaxCrossEntropy")]
    [InlineData("Loss.MeanSquaredError")]
    public void LanguageModelWithAnotherLoss_ReportsSPD006AtTheLossArgument(string loss) =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Loss = Loss.NextToken", "Loss = {|SPD006:" + loss + "|}"));

    [Fact]
    public void LanguageModelWithTheDefaultLoss_ReportsSPD006AtTheSparseModelAttribute() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(
            "[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]",
            "[{|SPD006:SparseModel(Sparsity = 0.5, Distribution = Distribution.Uniform)|}]"));

    [Fact]
    public void LanguageModelWithOneTokenVocabulary_ReportsSPD006AtTheVocab() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("vocab: 256", "vocab: {|SPD006:1|}"));

    [Fact]
    public void LanguageModelWithAnotherLoss_MessageSaysItTrainsWithNextToken() =>
        Assert.Equal(
            "Model 'TinyLm' is a language model, so it trains with Loss.NextToken, not SoftmaxCrossEntropy; declare [SparseModel(Loss = Loss.NextToken)]",
            AnalyzerHarness.Single(Declarations.WithLanguageModel("Loss = Loss.NextToken", "Loss = Loss.SoftmaxCrossEntropy"), "SPD006").GetMessage(CultureInfo.InvariantCulture));

    private static string OneUnitOutput(string attribute) => attribute + """

        public partial class Regressor
        {
            [Input(8)] public partial Layer Features { get; }
            [Dense(1)] public partial Layer Output { get; }
        }
        """;

    private static string Message(string model) =>
        AnalyzerHarness.Single(Declarations.File(model), "SPD006").GetMessage(CultureInfo.InvariantCulture);
}
