using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD010: a language model's option (Mlp, Norm, Positions of [TransformerBlock]; Target of [SparseModel] or [Sparse]) names no known value.</summary>
public sealed class SPD010Tests
{
    private const string Options = "Count = 4)]";

    [Fact]
    public void DefaultOptions_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.LanguageModel));

    [Theory]
    [InlineData("Mlp = \"gelu\"")]
    [InlineData("Mlp = \"swiglu\"")]
    [InlineData("Norm = \"layernorm\"")]
    [InlineData("Norm = \"rmsnorm\"")]
    [InlineData("Positions = \"learned\"")]
    [InlineData("Positions = \"rotary\"")]
    [InlineData("Mlp = \"swiglu\", Norm = \"rmsnorm\", Positions = \"rotary\"")]
    public void KnownBlockOption_NoDiagnostic(string option) =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4, " + option + ")]"));

    [Theory]
    [InlineData("all")]
    [InlineData("attention")]
    [InlineData("mlp")]
    public void KnownTarget_NoDiagnostic(string target) =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Sparsity = 0.5,", "Sparsity = 0.5, Target = \"" + target + "\","));

    [Fact]
    public void UnknownMlp_ReportsSPD010AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4, Mlp = {|SPD010:\"relu\"|})]"));

    [Fact]
    public void NormInAnotherCase_ReportsSPD010AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4, Norm = {|SPD010:\"RMSNorm\"|})]"));

    [Fact]
    public void UnknownPositions_ReportsSPD010AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4, Positions = {|SPD010:\"rope\"|})]"));

    [Fact]
    public void ThreeUnknownOptions_ReportsSPD010AtEach() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4, Mlp = {|SPD010:\"glu\"|}, Norm = {|SPD010:\"batchnorm\"|}, Positions = {|SPD010:\"alibi\"|})]"));

    [Fact]
    public void UnknownModelTarget_ReportsSPD010AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Sparsity = 0.5,", "Sparsity = 0.5, Target = {|SPD010:\"attn\"|},"));

    [Fact]
    public void UnknownSparseTargetOnTheBlock_ReportsSPD010AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4), Sparse(\"unstructured\", 0.5, Target = {|SPD010:\"ffn\"|})]"));

    [Fact]
    public void KnownSparseTargetOnTheBlock_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Options, "Count = 4), Sparse(\"unstructured\", 0.5, Target = \"mlp\")]"));

    [Fact]
    public void UnknownPositions_MessageListsTheKnownValues() =>
        Assert.Equal(
            "Positions = \"rope\" of 'Blocks' is not one of \"learned\", \"rotary\"; use one of them",
            Message(Declarations.WithLanguageModel(Options, "Count = 4, Positions = \"rope\")]")));

    [Fact]
    public void UnknownModelTarget_MessageNamesTheModel() =>
        Assert.Equal(
            "Target = \"attn\" of 'TinyLm' is not one of \"all\", \"attention\", \"mlp\"; use one of them",
            Message(Declarations.WithLanguageModel("Sparsity = 0.5,", "Sparsity = 0.5, Target = \"attn\",")));

    private static string Message(string source) =>
        AnalyzerHarness.Single(source, "SPD010").GetMessage(CultureInfo.InvariantCulture);
}
