using System;
using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>
/// <c>values = item ("," item)*</c>; <c>item = string | text | number | int ".." int ["x" number]</c>.
/// A range without a factor counts up by one; with <c>xF</c> it multiplies by F while the end is not passed.
/// A string is quoted with '"' or '\''; a text is a bare value such as <c>uniform</c> or <c>rigl every=100</c>
/// (<see cref="Lexical.TokenizeGridValues"/> says which items are bare).
/// </summary>
internal static class GridGrammar
{
    public const string Expected = "a number, a range such as 1..3, a name or a quoted string";

    /// <summary>Ranges longer than this are refused, so a typo cannot allocate millions of points.</summary>
    public const int MaxRangeValues = 100_000;

    public static EquatableArray<GridValue> Parse(TokenCursor cursor) => ParseWithSpans(cursor, null);

    /// <summary>
    /// Parses and, when <paramref name="spans"/> is given, records for every value the 1-based column and length of
    /// the item it came from (a whole range for each of its values), so rules can point at a bad value.
    /// </summary>
    public static EquatableArray<GridValue> ParseWithSpans(TokenCursor cursor, List<(int Column, int Length)>? spans)
    {
        var values = new List<GridValue>();
        Item(cursor, values, spans);
        while (!cursor.AtEnd)
        {
            // "1-5" lexes as 1 and -5: the likely intent is a range, so say how to write one.
            Token? next = cursor.Peek();
            string expected = next is { Kind: TokenKind.Number } && next.Text.StartsWith("-", StringComparison.Ordinal)
                ? "',' between values (a range is written 1..5)"
                : "',' between values";
            cursor.Expect(TokenKind.Comma, expected);
            Item(cursor, values, spans);
        }

        return values.ToEquatableArray();
    }

    private static void Item(TokenCursor cursor, List<GridValue> values, List<(int Column, int Length)>? spans)
    {
        int before = values.Count;
        Token first = cursor.Peek() ?? throw cursor.AtEndOfInput(Expected);
        Item(cursor, values);
        if (spans is not null)
        {
            Token last = cursor.Peek(-1)!;
            for (int i = before; i < values.Count; i++)
            {
                spans.Add((first.Start + 1, last.Start + last.Length - first.Start));
            }
        }
    }

    private static void Item(TokenCursor cursor, List<GridValue> values)
    {
        Token token = cursor.Next(Expected);
        if (token.Kind == TokenKind.String)
        {
            values.Add(GridValue.Of(token.Text.Substring(1, token.Text.Length - 2)));
            return;
        }

        if (token.Kind == TokenKind.Text)
        {
            values.Add(GridValue.Of(token.Text));
            return;
        }

        if (token.Kind != TokenKind.Number)
        {
            throw cursor.Unexpected(token, Expected);
        }

        if (!cursor.TryTake(TokenKind.DotDot, out _))
        {
            values.Add(GridValue.Of(token.Number));
            return;
        }

        Token endToken = cursor.Expect(TokenKind.Number, "the end of the range, as in 1..3");
        if (cursor.TryTake(TokenKind.Times, out Token factor))
        {
            Geometric(cursor, token, endToken, factor, values);
        }
        else
        {
            Arithmetic(cursor, token, endToken, values);
        }
    }

    private static void Arithmetic(TokenCursor cursor, Token start, Token end, List<GridValue> values)
    {
        RequireInteger(cursor, start, "a whole number to start a range (1..3)");
        RequireInteger(cursor, end, "a whole number to end a range (1..3)");
        long from = (long)start.Number;
        long to = (long)end.Number;
        if (to < from)
        {
            throw cursor.Fail(end, $"range end {end.Text} is below its start {start.Text}; write the smaller value first, as in {end.Text}..{start.Text}", "an end not below the start");
        }

        if (to - from + 1 > MaxRangeValues)
        {
            throw cursor.Fail(end, $"range {start.Text}..{end.Text} has {to - from + 1} values; expected at most {MaxRangeValues}", "a shorter range");
        }

        for (long v = from; v <= to; v++)
        {
            values.Add(GridValue.Of(v));
        }
    }

    private static void Geometric(TokenCursor cursor, Token start, Token end, Token factor, List<GridValue> values)
    {
        if (start.Number <= 0)
        {
            throw cursor.Fail(start, $"geometric range must start above 0, found {start.Text}; use a start such as 1", "a positive start");
        }

        if (end.Number < start.Number)
        {
            throw cursor.Fail(end, $"range end {end.Text} is below its start {start.Text}; write the smaller value first", "an end not below the start");
        }

        if (factor.Number <= 1)
        {
            throw cursor.Fail(factor, $"unexpected factor '{factor.Text}'; expected a factor above 1 such as x2", "a factor above 1");
        }

        // Repeated multiplication by the factor; a relative tolerance keeps 0.1..0.8 x2 from losing 0.8.
        double limit = end.Number * (1 + 1e-9);
        int count = 0;
        for (double v = start.Number; v <= limit; v *= factor.Number)
        {
            if (++count > MaxRangeValues)
            {
                throw cursor.Fail(factor, $"range has more than {MaxRangeValues} values; expected a larger factor", "a larger factor");
            }

            values.Add(GridValue.Of(v));
        }
    }

    private static void RequireInteger(TokenCursor cursor, Token token, string expected)
    {
        if (!token.IsInteger)
        {
            throw cursor.Fail(token, $"unexpected '{token.Text}'; expected {expected} (a geometric range such as 0.1..0.8 x2 may use fractions)", expected);
        }
    }
}
