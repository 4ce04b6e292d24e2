using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD009: a [TransformerBlock]'s heads do not divide the model width (or leave an odd head width for rotary positions).</summary>
public sealed class SPD009Tests
{
    [Fact]
    public void FourHeadsOfWidth128_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.LanguageModel));

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(128)]
    public void HeadsThatDivideTheWidth_NoDiagnostic(int heads) =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("heads: 4", "heads: " + heads.ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void SixHeadsOfWidth128_ReportsSPD009AtTheHeads() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("heads: 4", "heads: {|SPD009:6|}"));

    [Fact]
    public void HeadsWrittenWithoutTheName_ReportsSPD009AtTheHeads() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("TransformerBlock(heads: 4,", "TransformerBlock({|SPD009:3|},"));

    [Fact]
    public void MoreHeadsThanFeatures_ReportsSPD009() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("heads: 4", "heads: {|SPD009:256|}"));

    [Fact]
    public void OddHeadWidthWithLearnedPositions_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("dim: 128", "dim: 120").Replace("heads: 4", "heads: 8"));

    [Fact]
    public void OddHeadWidthWithRotaryPositions_ReportsSPD009AtTheHeads() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("dim: 128", "dim: 120")
            .Replace("heads: 4, MlpRatio = 4, Count = 4", "heads: {|SPD009:8|}, MlpRatio = 4, Count = 4, Positions = \"rotary\""));

    [Fact]
    public void EvenHeadWidthWithRotaryPositions_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Count = 4)]", "Count = 4, Positions = \"rotary\")]"));

    [Fact]
    public void ZeroHeads_ReportsSPD004NotSPD009() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("heads: 4", "heads: {|SPD004:0|}"));

    [Fact]
    public void SixHeads_MessageSuggestsTheNearestDivisor() =>
        Assert.Equal(
            "6 heads do not divide the width 128 of 'Blocks'; use a head count that divides 128, e.g. 4",
            Message(Declarations.WithLanguageModel("heads: 4", "heads: 6")));

    [Fact]
    public void OddHeadWidthWithRotaryPositions_MessageSaysWhy() =>
        Assert.Equal(
            "Rotary positions rotate pairs of features, but the heads of 'Blocks' are 15 wide (odd); use a head count that leaves an even head width, or Positions = \"learned\"",
            Message(Declarations.WithLanguageModel("dim: 128", "dim: 120").Replace("heads: 4, MlpRatio = 4, Count = 4", "heads: 8, MlpRatio = 4, Count = 4, Positions = \"rotary\"")));

    private static string Message(string source) =>
        AnalyzerHarness.Single(source, "SPD009").GetMessage(CultureInfo.InvariantCulture);
}
