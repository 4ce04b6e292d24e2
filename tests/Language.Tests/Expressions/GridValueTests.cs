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
    [InlineData("0, , 0.9", 4, 1, "unexpected ','; expected a number, a range such as 1..3, or a quoted string")]
    [InlineData("0 0.5", 3, 3, "unexpected '0.5'; expected ',' between values")]
    [InlineData("1-5", 2, 2, "unexpected '-5'; expected ',' between values (a range is written 1..5)")]
    [InlineData("0,", 3, 0, "unexpected end of input; expected a number")]
    [InlineData("1..", 4, 0, "unexpected end of input; expected the end of the range")]
    [InlineData("1..2.5", 4, 3, "expected a whole number to end a range")]
    [InlineData("3..1", 4, 1, "range end 1 is below its start 3")]
    [InlineData("1..16 x1", 7, 2, "expected a factor above 1")]
    [InlineData("0..16 x2", 1, 1, "geometric range must start above 0")]
    [InlineData("\"erk", 1, 4, "unterminated string")]
    [InlineData("erk", 1, 3, "unexpected 'erk'; expected a number")]
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
    public void HugeRange_IsRefused() => Assert.Contains("at most 100000", Bad("1..10M").Message);
}
