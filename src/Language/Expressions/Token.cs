namespace SparseDsl.Language;

/// <summary>The kinds of token the expression lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>A number, possibly negative, with an optional exponent and an optional suffix (k, M, B or %).</summary>
    Number,

    /// <summary>A name: a letter followed by letters, digits, '-' or '_' (<c>adamw</c>, <c>density-lr</c>).</summary>
    Word,

    /// <summary>A quoted string without escapes: <c>"erk"</c>, and in grid values also <c>'erk'</c>.</summary>
    String,

    /// <summary>An unquoted grid value: the text of an item up to the next comma, trimmed (<c>uniform</c>, <c>block 16x16</c>, <c>2:4</c>).</summary>
    Text,

    /// <summary>'x' glued to a number: the 16 in <c>16x16</c>, the factor in <c>1..16 x2</c>.</summary>
    Times,

    Equals,
    Comma,
    Colon,
    DotDot,
}

/// <summary>One token with its 0-based start and length in the original text.</summary>
internal sealed record Token(TokenKind Kind, string Text, int Start, int Length, double Number = 0, bool IsPercent = false)
{
    /// <summary>True for a number with an integral value and no percent sign that fits an int.</summary>
    public bool IsInteger => (Kind == TokenKind.Number || Kind == TokenKind.Times) && !IsPercent
        && Number == System.Math.Floor(Number) && Number >= int.MinValue && Number <= int.MaxValue;

    /// <summary>How the token reads in an error message.</summary>
    public string Display => Kind switch
    {
        TokenKind.Number => "'" + Text + "'",
        TokenKind.String => Text,
        _ => "'" + Text + "'",
    };
}
