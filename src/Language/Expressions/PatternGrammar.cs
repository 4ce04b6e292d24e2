namespace SparseDsl.Language;

/// <summary>
/// <c>pattern = "unstructured" | "rows" | "block" int ["x" int] | int ":" int</c>.
/// </summary>
internal static class PatternGrammar
{
    private const string Expected = "a pattern: unstructured, block 16x16, 2:4 or rows";

    public static SparsityPatternSpec Parse(TokenCursor cursor)
    {
        Token first = cursor.Next(Expected);
        switch (first.Kind)
        {
            case TokenKind.Word when first.Text == "unstructured":
                return SparsityPatternSpec.Unstructured;
            case TokenKind.Word when first.Text == "rows":
                return new SparsityPatternSpec(PatternKind.Rows);
            case TokenKind.Word when first.Text == "block":
                return Block(cursor);
            case TokenKind.Number:
                return NOfM(cursor, first);
            default:
                throw cursor.Unexpected(first, Expected);
        }
    }

    /// <summary><c>sparse = pattern [number | percent]</c>: <c>unstructured 0.95</c>, <c>block 16x16 90%</c>.</summary>
    public static SparseSpec ParseSparse(TokenCursor cursor)
    {
        SparsityPatternSpec pattern = Parse(cursor);
        if (cursor.AtEnd)
        {
            return new SparseSpec(pattern, null);
        }

        Token token = cursor.Next("a sparsity such as 0.9");
        return token.Kind == TokenKind.Number
            ? new SparseSpec(pattern, token.Number)
            : throw cursor.Unexpected(token, "a sparsity such as 0.9 or end of input");
    }

    private static SparsityPatternSpec Block(TokenCursor cursor)
    {
        const string size = "a block size such as 16x16 or 16";
        int rows = cursor.Integer(size);
        int cols = rows;
        if (cursor.TryTake(TokenKind.Times, out Token times))
        {
            cols = times.IsInteger ? (int)times.Number : throw cursor.Fail(times, $"unexpected '{times.Text}'; expected x followed by a whole number", "a whole number");
        }

        return new SparsityPatternSpec(PatternKind.Block, BlockRows: rows, BlockCols: cols);
    }

    private static SparsityPatternSpec NOfM(TokenCursor cursor, Token first)
    {
        if (!first.IsInteger)
        {
            throw cursor.Fail(first, $"unexpected '{first.Text}'; expected a whole number N in N:M such as 2:4", "a whole number");
        }

        cursor.Expect(TokenKind.Colon, "':' as in 2:4");
        int m = cursor.Integer("a whole number M in N:M such as 2:4");
        return new SparsityPatternSpec(PatternKind.NOfM, N: (int)first.Number, M: m);
    }
}
