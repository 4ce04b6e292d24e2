namespace SparseDsl.Language.Tests.Expressions;

using SparseDsl.Language;

public class PatternTests
{
    [Theory]
    [InlineData("unstructured", PatternKind.Unstructured, 0, 0, 0, 0)]
    [InlineData("  unstructured  ", PatternKind.Unstructured, 0, 0, 0, 0)]
    [InlineData("rows", PatternKind.Rows, 0, 0, 0, 0)]
    [InlineData("block 16x16", PatternKind.Block, 16, 16, 0, 0)]
    [InlineData("block 8x32", PatternKind.Block, 8, 32, 0, 0)]
    [InlineData("block 16", PatternKind.Block, 16, 16, 0, 0)]
    [InlineData("2:4", PatternKind.NOfM, 0, 0, 2, 4)]
    [InlineData("1 : 8", PatternKind.NOfM, 0, 0, 1, 8)]
    public void ValidPattern_Parses(string text, PatternKind kind, int rows, int cols, int n, int m)
    {
        ParseResult<SparsityPatternSpec> result = SparseDsl.Language.Expressions.ParsePattern(text);
        Assert.True(result.Success, result.Error?.ToString());
        Assert.Equal(new SparsityPatternSpec(kind, rows, cols, n, m), result.Value);
    }

    [Fact]
    public void NOfM_FixesDensity() =>
        Assert.Equal(0.5, SparseDsl.Language.Expressions.ParsePattern("2:4").Value!.FixedDensity);

    [Theory]
    [InlineData("", 1, 0, "empty expression")]
    [InlineData("   ", 1, 0, "empty expression")]
    [InlineData("unstructurd", 1, 11, "unexpected 'unstructurd'; expected a pattern")]
    [InlineData("block", 6, 0, "unexpected end of input; expected a block size")]
    [InlineData("block x", 7, 1, "unexpected 'x'; expected a block size")]
    [InlineData("block 16y16", 9, 3, "unexpected 'y16' after the number '16'")]
    [InlineData("block 1.5", 7, 3, "unexpected '1.5'; expected a block size")]
    [InlineData("2:", 3, 0, "unexpected end of input; expected a whole number M")]
    [InlineData("2;4", 2, 1, "unexpected ';'")]
    [InlineData("2:4 rows", 5, 4, "unexpected 'rows'; expected end of input")]
    [InlineData("2.5:4", 1, 3, "expected a whole number N")]
    [InlineData("unstructured 0.9", 14, 3, "unexpected '0.9'; expected end of input")]
    public void InvalidPattern_ReportsColumn(string text, int column, int length, string message)
    {
        ParseResult<SparsityPatternSpec> result = SparseDsl.Language.Expressions.ParsePattern(text);
        Assert.False(result.Success);
        Assert.Equal(column, result.Error!.Column);
        Assert.Equal(length, result.Error.Length);
        Assert.Contains(message, result.Error.Message);
    }
}

public class SparseExpressionTests
{
    [Theory]
    [InlineData("unstructured 0.95", PatternKind.Unstructured, 0.95)]
    [InlineData("block 16x16 0.9", PatternKind.Block, 0.9)]
    [InlineData("rows 50%", PatternKind.Rows, 0.5)]
    public void PatternWithSparsity_Parses(string text, PatternKind kind, double sparsity)
    {
        ParseResult<SparseSpec> result = SparseDsl.Language.Expressions.ParseSparse(text);
        Assert.True(result.Success, result.Error?.ToString());
        Assert.Equal(kind, result.Value!.Pattern.Kind);
        Assert.Equal(sparsity, result.Value.Sparsity!.Value, 12);
    }

    [Fact]
    public void PatternAlone_HasNoSparsity() =>
        Assert.Equal(new SparseSpec(new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4), null), SparseDsl.Language.Expressions.ParseSparse("2:4").Value);

    [Theory]
    [InlineData("unstructured high", 14, 4, "unexpected 'high'; expected a sparsity such as 0.9")]
    [InlineData("unstructured 0.9 0.8", 18, 3, "unexpected '0.8'; expected end of input")]
    public void BadSparsity_ReportsColumn(string text, int column, int length, string message)
    {
        ParseError error = SparseDsl.Language.Expressions.ParseSparse(text).Error!;
        Assert.Equal(column, error.Column);
        Assert.Equal(length, error.Length);
        Assert.Contains(message, error.Message);
    }
}
