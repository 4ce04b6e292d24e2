namespace SparseDsl.Language.Tests.Expressions;

using System.Linq;
using SparseDsl.Language;
using E = SparseDsl.Language.Expressions;

public class GridValueTests
{
    private static object[] Ok(string text)
    {
        ParseResult<EquatableArray<GridValue>> result = E.ParseGridValues(text);
        Assert.True(result.Success, result.Error?.ToString());
        return result.Value.Select(v => v.Number is double d ? (object)d : v.Text!).ToArray();
    }

    private static ParseError Bad(string text)
    {
        ParseResult<EquatableArray<GridValue>> result = E.ParseGridValues(text);
        Assert.False(result.Success);
        return result.Error!;
    }

    [Fact]
    public void List_Parses() => Assert.Equal(new object[] { 0.0, 0.5, 0.9 }, Ok("0, 0.5, 0.9"));

    [Fact]
    public void IntegerRange_IsInclusive() => Assert.Equal(new object[] { 1.0, 2.0, 3.0 }, Ok("1..3"));

    [Fact]
    public void SingletonRange_HasOneValue() => Assert.Equal(new object[] { 5.0 }, Ok("5..5"));

    [Fact]
    public void GeometricRange_Multiplies() => Assert.Equal(new object[] { 1.0, 2.0, 4.0, 8.0, 16.0 }, Ok("1..16 x2"));

    [Fact]
    public void GeometricRange_StopsBeforePassingEnd() => Assert.Equal(new object[] { 1.0, 3.0, 9.0 }, Ok("1..20 x3"));

    [Fact]
    public void GeometricRange_FractionalKeepsEnd()
    {
        object[] values = Ok("0.1..0.8 x2");
        Assert.Equal(4, values.Length);
        Assert.Equal(0.8, (double)values[3], 12);
    }

    [Fact]
    public void Suffixes_Scale() => Assert.Equal(new object[] { 100_000.0, 1_000_000.0, 2.5e9, 3000.0 }, Ok("100k, 1M, 2.5B, 3K"));

    [Fact]
    public void ScientificAndNegative_Parse() => Assert.Equal(new object[] { 1e-3, -2.0, -0.5, 0.5 }, Ok("1e-3, -2, -.5, .5"));

    [Fact]
    public void Percent_IsFraction() => Assert.Equal(new object[] { 0.5 }, Ok("50%"));

    [Fact]
    public void Strings_Parse() => Assert.Equal(new object[] { "erk", "uniform" }, Ok("\"erk\", \"uniform\""));

    [Fact]
    public void ListsAndRanges_Mix() => Assert.Equal(new object[] { 1.0, 2.0, 3.0, 10.0 }, Ok("1..3, 10"));

    [Fact]
    public void RangeWithSuffixes_Expands() => Assert.Equal(new object[] { 1000.0, 2000.0, 4000.0 }, Ok("1k..4k x2"));

    [Fact]
    public void NumbersAndStrings_Mix() => Assert.Equal(new object[] { 1.0, "a" }, Ok("1, \"a\""));

    [Theory]
    [InlineData("0, , 0.9", 4, 1, "unexpected ','; expected a number, a range such as 1..3, a name or a quoted string")]
    [InlineData("0 0.5", 3, 3, "unexpected '0.5'; expected ',' between values")]
    [InlineData("1-5", 2, 2, "unexpected '-5'; expected ',' between values (a range is written 1..5)")]
    [InlineData("0,", 3, 0, "unexpected end of input; expected a number")]
    [InlineData("1..", 4, 0, "unexpected end of input; expected the end of the range")]
    [InlineData("1..2.5", 4, 3, "expected a whole number to end a range")]
    [InlineData("3..1", 4, 1, "range end 1 is below its start 3")]
    [InlineData("1..16 x1", 7, 2, "expected a factor above 1")]
    [InlineData("0..16 x2", 1, 1, "geometric range must start above 0")]
    [InlineData("\"erk", 1, 4, "unterminated string")]
    [InlineData("'erk", 1, 4, "unterminated string; expected a closing '''")]
    [InlineData("uniform, 'erk, er", 10, 8, "unterminated string; expected a closing '''")]
    [InlineData("uniform,", 9, 0, "unexpected end of input; expected a number, a range such as 1..3, a name or a quoted string")]
    [InlineData("uniform,, erk", 9, 1, "unexpected ','; expected a number, a range such as 1..3, a name or a quoted string")]
    [InlineData("rigl 'x'", 6, 1, "unexpected ''' inside the unquoted value 'rigl 'x''")]
    [InlineData("erk, block \"16\"", 12, 1, "unexpected '\"' inside the unquoted value 'block \"16\"'")]
    [InlineData("'a' b", 5, 1, "unexpected 'b'; expected ',' between values")]
    [InlineData("\"a\" 'b'", 5, 3, "unexpected 'b'; expected ',' between values")]
    [InlineData("1 'a'", 3, 3, "unexpected 'a'; expected ',' between values")]
    [InlineData("0.5 high", 5, 4, "unexpected 'high'; expected ',' between values")]
    [InlineData("0.5, 16x16", 8, 3, "unexpected 'x16'; expected ',' between values")]
    [InlineData("0.5, 5e", 7, 1, "unexpected 'e' after the number '5'")]
    [InlineData("# uniform", 1, 1, "unexpected '#'; expected a number, a name or a quoted string")]
    [InlineData("0.5, 0.9x", 9, 1, "unexpected 'x' after the number '0.9'")]
    [InlineData("1 # 2", 3, 1, "unexpected '#'")]
    [InlineData("-", 1, 1, "'-' not followed by a number")]
    [InlineData("", 1, 0, "empty expression")]
    [InlineData(" \t ", 1, 0, "empty expression")]
    public void InvalidValues_ReportColumn(string text, int column, int length, string message)
    {
        ParseError error = Bad(text);
        Assert.Equal(column, error.Column);
        Assert.Equal(length, error.Length);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void BareNames_ParseAsText() => Assert.Equal(new object[] { "uniform", "er", "erk" }, Ok("uniform, er, erk"));

    [Fact]
    public void SingleQuotedStrings_ParseAsText() =>
        Assert.Equal(new object[] { "rigl every=100 drop=0.3", "smet every=100" }, Ok("'rigl every=100 drop=0.3', 'smet every=100'"));

    [Fact]
    public void BareValueWithOptions_RunsToTheNextComma() =>
        Assert.Equal(new object[] { "static", "set", "rigl every=100 drop=0.3" }, Ok("static, set, rigl every=100 drop=0.3"));

    [Fact]
    public void PatternValues_ParseAsText() =>
        Assert.Equal(new object[] { "unstructured", "block 16x16", "2:4", "1 : 8", "rows" }, Ok("unstructured, block 16x16, 2:4, 1 : 8, rows"));

    [Fact]
    public void BareValues_AreTrimmedButKeepTheirInnerSpaces() =>
        Assert.Equal(new object[] { "uniform", "rigl  every=100" }, Ok("  uniform\t ,  rigl  every=100  "));

    [Fact]
    public void NumbersWithSuffixesExponentsAndSigns_StayNumbers() =>
        Assert.Equal(new object[] { 100_000.0, 1e-3, 0.05, -0.5, 2e6 }, Ok("100k, 1e-3, 5%, -0.5, 2M"));

    [Fact]
    public void QuotedValues_MayHoldCommasAndTheOtherQuote() =>
        Assert.Equal(new object[] { "a, b", "say \"hi\"", "it's" }, Ok("'a, b', 'say \"hi\"', \"it's\""));

    [Fact]
    public void BareAndQuotedValues_GiveTheSameText() => Assert.Equal(new object[] { "erk", "erk", "erk" }, Ok("erk, 'erk', \"erk\""));

    [Fact]
    public void EmptyQuotes_AreEmptyText() => Assert.Equal(new object[] { "" }, Ok("''"));

    [Fact]
    public void NumbersTextAndRanges_Mix() => Assert.Equal(new object[] { 0.5, "uniform", 1.0, 2.0, "x" }, Ok("0.5, uniform, 1..2, 'x'"));

    [Fact]
    public void Spans_CoverEachValueAsWritten()
    {
        // Columns: "uniform" 1-7, the quoted schedule 11-26 (quotes included), "2:4" 30-32, the range 35-38.
        ParseResult<EquatableArray<(GridValue Value, int Column, int Length)>> result =
            E.ParseGridValuesWithSpans("uniform,  'rigl every=100' , 2:4 ,1..2");

        Assert.True(result.Success, result.Error?.ToString());
        Assert.Equal(
            new[] { (1, 7), (11, 16), (30, 3), (35, 4), (35, 4) },
            result.Value.Select(v => (v.Column, v.Length)).ToArray());
        Assert.Equal(GridValue.Of("rigl every=100"), result.Value[1].Value);
        Assert.Equal(GridValue.Of("2:4"), result.Value[2].Value);
    }

    [Fact]
    public void HugeRange_IsRefused() => Assert.Contains("at most 100000", Bad("1..10M").Message);
}
