using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD004: an [Input] size or [Dense] unit count is not positive; in a language model, vocab, dim, Context, heads, MlpRatio or Count.</summary>
public sealed class SPD004Tests
{
    [Fact]
    public void PositiveSizes_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void DenseUnitsZero_ReportsSPD004AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace(
            "[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1",
            "[Dense({|SPD004:0|}, Activation = Activation.Relu)] public partial Layer Hidden1")));

    [Fact]
    public void DenseUnitsNegative_ReportsSPD004AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Dense(10), KeepDense]", "[Dense({|SPD004:-5|}), KeepDense]")));

    [Fact]
    public void InputSizeZero_ReportsSPD004AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Input(784)]", "[Input({|SPD004:0|})]")));

    [Fact]
    public void DenseUnitsZero_MessageGivesADenseExample() =>
        Assert.Equal(
            "Layer 'Hidden1' has size 0; a layer needs at least 1 unit, e.g. [Dense(128)]",
            Message(Declarations.Model.Replace("[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1", "[Dense(0)] public partial Layer Hidden1")));

    [Fact]
    public void InputSizeNegative_MessageGivesAnInputExample() =>
        Assert.Equal(
            "Layer 'Pixels' has size -1; a layer needs at least 1 unit, e.g. [Input(128)]",
            Message(Declarations.Model.Replace("[Input(784)]", "[Input(-1)]")));

    private static string Message(string model) =>
        AnalyzerHarness.Single(Declarations.File(model), "SPD004").GetMessage(CultureInfo.InvariantCulture);

    // Language models: the embedding's vocab, dim and Context, the block's heads, MlpRatio and Count.

    [Fact]
    public void LanguageModelWithPositiveSizes_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.LanguageModel));

    [Theory]
    [InlineData("vocab: 256", "vocab: {|SPD004:0|}")]
    [InlineData("dim: 128", "dim: {|SPD004:0|}")]
    [InlineData("Context = 128", "Context = {|SPD004:0|}")]
    [InlineData("heads: 4", "heads: {|SPD004:-1|}")]
    [InlineData("MlpRatio = 4", "MlpRatio = {|SPD004:0|}")]
    [InlineData("Count = 4", "Count = {|SPD004:0|}")]
    public void LanguageModelSizeNotPositive_ReportsSPD004AtTheArgument(string written, string instead) =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(written, instead));

    [Fact]
    public void LanguageModelContextZero_MessageGivesAnExample() =>
        Assert.Equal(
            "Context is 0; it must be at least 1, e.g. Context = 128",
            AnalyzerHarness.Single(Declarations.WithLanguageModel("Context = 128", "Context = 0"), "SPD004").GetMessage(CultureInfo.InvariantCulture));
}
