using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD011: TiedTo of an [Unembedding] does not name the model's [Embedding].</summary>
public sealed class SPD011Tests
{
    private const string Tied = "TiedTo = nameof(Tokens)";

    [Fact]
    public void TiedToTheEmbeddingByNameof_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.LanguageModel));

    [Fact]
    public void TiedToTheEmbeddingByString_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Tied, "TiedTo = \"Tokens\""));

    [Fact]
    public void Untied_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("[Unembedding(" + Tied + ")", "[Unembedding"));

    [Fact]
    public void TiedToAMisspeltName_ReportsSPD011AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Tied, "TiedTo = {|SPD011:\"Token\"|}"));

    [Fact]
    public void TiedToAnotherLayer_ReportsSPD011AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Tied, "TiedTo = {|SPD011:nameof(Final)|}"));

    [Fact]
    public void TiedToItself_ReportsSPD011AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Tied, "TiedTo = {|SPD011:nameof(Head)|}"));

    [Fact]
    public void TiedToAnEmptyName_ReportsSPD011AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(Tied, "TiedTo = {|SPD011:\"\"|}"));

    [Fact]
    public void TiedToAnotherLayer_MessageSaysWhatToWrite() =>
        Assert.Equal(
            "TiedTo = \"Final\" of [Unembedding] 'Head' does not name the model's [Embedding] 'Tokens'; write TiedTo = nameof(Tokens), or leave TiedTo out for a head with its own matrix",
            AnalyzerHarness.Single(Declarations.WithLanguageModel(Tied, "TiedTo = nameof(Final)"), "SPD011").GetMessage(CultureInfo.InvariantCulture));
}
