using System.Collections.Generic;
using System.Globalization;
using Sprache;

namespace SparseDsl.Language;

/// <summary>
/// The lexical level of the expression language, written with Sprache: numbers (<c>1e-3</c>, <c>.5</c>,
/// <c>-2</c>, <c>100k</c>, <c>5%</c>), words, quoted strings and punctuation. <see cref="Tokenize(string)"/> turns a
/// whole expression into tokens that carry their position, so every grammar error can point at the exact
/// column of the offending text.
/// </summary>
internal static partial class Lexical
{
    private static readonly Parser<string> Digits = Parse.Digit.AtLeastOnce().Text();

    private static readonly Parser<string> Fraction =
        from dot in Parse.Char('.')
        from digits in Digits
        select "." + digits;

    // "1", "1.5", ".5"; "1." is not a number, so that "1..3" lexes as 1, "..", 3.
    private static readonly Parser<string> Unsigned =
        (from whole in Digits
         from fraction in Fraction.Optional()
         select whole + fraction.GetOrElse(string.Empty))
        .Or(Fraction);

    private static readonly Parser<string> Exponent =
        from e in Parse.Chars('e', 'E')
        from sign in Parse.Chars('+', '-').Optional()
        from digits in Digits
        select "e" + (sign.IsDefined ? sign.Get().ToString() : string.Empty) + digits;

    private static readonly Parser<string> Mantissa =
        from sign in Parse.Char('-').Optional()
        from body in Unsigned
        from exponent in Exponent.Optional()
        select (sign.IsDefined ? "-" : string.Empty) + body + exponent.GetOrElse(string.Empty);

    private static readonly Parser<char> Suffix = Parse.Chars('k', 'K', 'M', 'B', '%');

    /// <summary>A number with its optional suffix, as (text, value, is-percent).</summary>
    internal static readonly Parser<(string Text, double Value, bool IsPercent)> Number =
        from mantissa in Mantissa
        from suffix in Suffix.Optional()
        select Scale(mantissa, suffix);

    private static readonly Parser<string> Word =
        from first in Parse.Letter
        from rest in Parse.LetterOrDigit.Or(Parse.Chars('-', '_')).Many().Text()
        select first + rest;

    private static readonly Parser<string> QuotedString =
        from open in Parse.Char('"')
        from body in Parse.CharExcept('"').Many().Text()
        from close in Parse.Char('"')
        select body;

    private static readonly Parser<(TokenKind Kind, string Text, double Value, bool IsPercent)> AnyToken =
        Parse.String("..").Return((TokenKind.DotDot, "..", 0.0, false))
            .Or(Number.Select(n => (TokenKind.Number, n.Text, n.Value, n.IsPercent)))
            .Or(from x in Parse.Chars('x', 'X')
                from n in Unsigned
                select (TokenKind.Times, x + n, double.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture), false))
            .Or(Word.Select(w => (TokenKind.Word, w, 0.0, false)))
            .Or(QuotedString.Select(s => (TokenKind.String, "\"" + s + "\"", 0.0, false)))
            .Or(Parse.Char('=').Return((TokenKind.Equals, "=", 0.0, false)))
            .Or(Parse.Char(',').Return((TokenKind.Comma, ",", 0.0, false)))
            .Or(Parse.Char(':').Return((TokenKind.Colon, ":", 0.0, false)));

    /// <summary>Splits <paramref name="text"/> into tokens, or fails at the first character no token can start with.</summary>
    public static IReadOnlyList<Token> Tokenize(string text) => Tokenize(text, gridValues: false);

    private static IReadOnlyList<Token> Tokenize(string text, bool gridValues)
    {
        var tokens = new List<Token>();
        IInput input = new Input(text);
        while (true)
        {
            input = Parse.WhiteSpace.Many()(input).Remainder;
            if (input.AtEnd)
            {
                return tokens;
            }

            int start = input.Position;
            if (gridValues && GridToken(text, start, tokens) is Token gridToken)
            {
                tokens.Add(gridToken);
                for (int i = 0; i < gridToken.Length; i++)
                {
                    input = input.Advance();
                }

                continue;
            }

            IResult<(TokenKind Kind, string Text, double Value, bool IsPercent)> result = AnyToken(input);
            if (!result.WasSuccessful)
            {
                throw Unreadable(text, start);
            }

            int end = result.Remainder.Position;
            (TokenKind kind, string tokenText, double value, bool isPercent) = result.Value;
            tokens.Add(new Token(kind, tokenText, start, end - start, value, isPercent));
            input = result.Remainder;

            // A number must not run straight into a name: "1m" or "5e" are typos, not "1" then "m".
            if ((kind == TokenKind.Number || kind == TokenKind.Times) && !input.AtEnd && IsGluedLetter(text, end))
            {
                throw new ParseFailure(new ParseError(
                    end + 1,
                    WordLength(text, end),
                    $"unexpected '{text.Substring(end, WordLength(text, end))}' after the number '{tokenText}'; expected a suffix (k, M, B or %), a space or a separator",
                    "a suffix (k, M, B or %), a space or a separator"));
            }
        }
    }

    private static bool IsGluedLetter(string text, int index)
    {
        char c = text[index];
        if (!char.IsLetter(c) && c != '_')
        {
            return false;
        }

        // "16x16": an 'x' followed by a digit or '.' starts a Times token.
        bool startsTimes = (c == 'x' || c == 'X') && index + 1 < text.Length && (char.IsDigit(text[index + 1]) || text[index + 1] == '.');
        return !startsTimes;
    }

    private static int WordLength(string text, int start)
    {
        int end = start;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_' || text[end] == '-'))
        {
            end++;
        }

        return System.Math.Max(1, end - start);
    }

    private static ParseFailure Unreadable(string text, int start)
    {
        char c = text[start];
        if (c == '"')
        {
            return new ParseFailure(new ParseError(
                start + 1,
                text.Length - start,
                "unterminated string; expected a closing '\"'",
                "a closing '\"'"));
        }

        string found = c == '-' ? "'-' not followed by a number" : $"'{c}'";
        return new ParseFailure(new ParseError(
            start + 1,
            1,
            $"unexpected {found}; expected a number, a name or a quoted string",
            "a number, a name or a quoted string"));
    }

    private static (string Text, double Value, bool IsPercent) Scale(string mantissa, IOption<char> suffix)
    {
        double value = double.Parse(mantissa, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!suffix.IsDefined)
        {
            return (mantissa, value, false);
        }

        char s = suffix.Get();
        return s switch
        {
            'k' or 'K' => (mantissa + s, value * 1e3, false),
            'M' => (mantissa + s, value * 1e6, false),
            'B' => (mantissa + s, value * 1e9, false),
            _ => (mantissa + s, value / 100.0, true),
        };
    }
}
