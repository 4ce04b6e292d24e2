using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD102: a [Sparse] pattern expression does not parse; the diagnostic underlines the offending characters.</summary>
public sealed class SPD102Tests
{
    [Theory]
    [InlineData("unstructured")]
    [InlineData("rows")]
    [InlineData("block 16x16")]
    [InlineData("2:4")]
    public void PatternParses_NoSPD102(string pattern) =>
        Assert.DoesNotContain(AnalyzerHarness.Analyze(Declarations.WithHidden2Pattern("\"" + pattern + "\"")), d => d.Id == "SPD102");

    [Fact]
    public void UnstructuredPattern_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void BadBlockSeparator_ReportsSPD102AtTheCharactersInsideTheString() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"block 16{|SPD102:y16|}\""));

    [Fact]
    public void TrailingWord_ReportsSPD102AtTheWord() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"2:4 {|SPD102:rows|}\""));

    [Fact]
    public void UnknownPatternWord_ReportsSPD102AtTheWord() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"{|SPD102:unstructurd|}\""));

    [Fact]
    public void VerbatimString_ReportsSPD102AtTheCharactersInsideTheString() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("@\"block 16{|SPD102:y16|}\""));

    [Fact]
    public void EmptyPattern_ReportsSPD102AtTheWholeString() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("{|SPD102:\"\"|}"));

    [Fact]
    public void PatternEndsEarly_ReportsSPD102AtTheWholeString() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("{|SPD102:\"block\"|}"));

    [Fact]
    public void BadBlockSeparator_MessageGivesColumnAndWhatWasExpected() =>
        Assert.Equal(
            "Sparsity pattern \"block 16y16\" of layer 'Hidden2' does not parse at column 9: unexpected 'y16' after the number '16'; expected a suffix (k, M, B or %), a space or a separator",
            Message("\"block 16y16\""));

    [Fact]
    public void PatternEndsEarly_MessageSaysWhatWasExpected() =>
        Assert.EndsWith("does not parse at column 6: unexpected end of input; expected a block size such as 16x16 or 16", Message("\"block\""));

    [Fact]
    public void EmptyPattern_MessageListsThePatterns() =>
        Assert.EndsWith("empty expression; expected a pattern: unstructured, block 16x16, 2:4 or rows", Message("\"\""));

    private static string Message(string pattern) =>
        AnalyzerHarness.Single(Declarations.WithHidden2Pattern(pattern), "SPD102").GetMessage(CultureInfo.InvariantCulture);

    [Fact]
    public void GridPatternThatDoesNotParse_ReportsSPD102AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"pattern\", \"unstructured, {|SPD102:'blok 16'|}\")]"));
}
