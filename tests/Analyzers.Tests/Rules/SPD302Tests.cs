using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD302: a [Grid] axis has no values, a value that does not parse, or a repeated value.</summary>
public sealed class SPD302Tests
{
    [Fact]
    public void ListsRangesAndGeometricRanges_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("seed", "1..3, 10")]
            [Grid("batch", "16..128 x2")]
            [Grid("lr", "1e-4, 1e-3")]
            """));

    [Fact]
    public void NoValues_ReportsSPD302AtTheValuesArgument() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"seed\", {|SPD302:\"\"|})]"));

    [Fact]
    public void MissingValueBetweenCommas_ReportsSPD302AtTheSecondComma() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"sparsity\", \"0, {|SPD302:,|} 0.9\")]"));

    [Fact]
    public void BareAndSingleQuotedValues_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("distribution", "uniform, er, 'erk'")]
            [Grid("seed", "1..2")]
            """));

    [Fact]
    public void WordAfterANumber_ReportsSPD302AtTheWord() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"sparsity\", \"0.5 {|SPD302:high|}\")]"));

    [Fact]
    public void UnterminatedSingleQuote_ReportsSPD302FromTheQuoteToTheEnd() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"uniform, {|SPD302:'erk, er|}\")]"));

    [Fact]
    public void QuoteInsideABareValue_ReportsSPD302AtTheQuote() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"uniform, er{|SPD302:'|}k\")]"));

    [Fact]
    public void RangeWrittenWithADash_ReportsSPD302AtTheSecondNumber() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"seed\", \"1{|SPD302:-5|}\")]"));

    [Fact]
    public void ValueRepeatedBareAndQuoted_ReportsSPD302AtTheRepeat() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"erk, {|SPD302:'erk'|}\")]"));

    [Fact]
    public void ErrorAfterAnEscapedQuote_ReportsSPD302AtTheSourceCharacters() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"\\\"uniform\\\", {|SPD302:#|}\")]"));

    [Fact]
    public void DescendingRange_ReportsSPD302AtTheRangeEnd() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"seed\", \"3..{|SPD302:1|}\")]"));

    [Fact]
    public void UnterminatedString_ReportsSPD302AtTheString() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"\\\"uniform\\\", {|SPD302:\\\"erk|}\")]"));

    [Fact]
    public void RepeatedValue_ReportsSPD302AtTheRepeat() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"seed\", \"1, 2, {|SPD302:1|}\")]"));

    [Fact]
    public void ValueRepeatedInsideARange_ReportsSPD302AtTheRange() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"seed\", \"2, {|SPD302:1..3|}\")]"));

    [Fact]
    public void RepeatedString_ReportsSPD302AtTheRepeat() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"\\\"erk\\\", {|SPD302:\\\"erk\\\"|}\")]"));

    [Fact]
    public void RepeatedString_ReportsSPD302()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"distribution\", \"\\\"erk\\\", \\\"erk\\\"\")]"), "SPD302").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Value \"erk\" of grid axis 'distribution' is repeated", message);
    }

    [Fact]
    public void NoValues_MessageSaysWhatValuesLookLike()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"seed\", \"\")]"), "SPD302").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("grid axis 'seed'", message);
        Assert.Contains("empty", message);
        Assert.Contains("expected a number, a range such as 1..3, a name or a quoted string", message);
    }

    [Fact]
    public void QuoteInsideABareValue_MessageSaysToQuoteTheValue()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"distribution\", \"uniform, er'k\")]"), "SPD302").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("unexpected ''' inside the unquoted value 'er'k'", message);
        Assert.Contains("quote a value that contains a quote with the other quote", message);
    }

    [Fact]
    public void RepeatedValue_MessageSaysToListItOnce()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"seed\", \"1, 2, 1\")]"), "SPD302").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Value 1 of grid axis 'seed' is repeated", message);
        Assert.Contains("list it once", message);
    }
}
