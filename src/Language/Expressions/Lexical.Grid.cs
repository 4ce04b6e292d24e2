using System.Collections.Generic;
using Sprache;

namespace SparseDsl.Language;

/// <summary>
/// The lexical level of grid values, as a C# user writes them: besides numbers, ranges and double-quoted strings,
/// a value may be single-quoted (<c>'rigl every=100'</c>) or bare. A bare value is an item that starts with a
/// letter (<c>uniform</c>, <c>block 16x16</c>, <c>rigl every=100 drop=0.3</c>) or with an N:M pair (<c>2:4</c>),
/// and runs to the next comma, trimmed. Everything else, numbers first (<c>100k</c>, <c>1e-3</c>, <c>5%</c>,
/// <c>-0.5</c>), lexes as in every other expression, so the errors of a mistyped number stay as helpful.
/// </summary>
internal static partial class Lexical
{
    /// <summary>Splits grid values into tokens; quoted and bare values become one <see cref="TokenKind.String"/> or <see cref="TokenKind.Text"/> token each.</summary>
    public static IReadOnlyList<Token> TokenizeGridValues(string text) => Tokenize(text, gridValues: true);

    /// <summary>The quoted or bare value starting at <paramref name="start"/>, or null when ordinary tokens start there.</summary>
    private static Token? GridToken(string text, int start, List<Token> tokens)
    {
        char c = text[start];
        if (c == '"' || c == '\'')
        {
            return Quoted(text, start);
        }

        bool startsItem = tokens.Count == 0 || tokens[tokens.Count - 1].Kind == TokenKind.Comma;
        return startsItem && (char.IsLetter(c) || StartsNOfM(text, start)) ? Bare(text, start) : null;
    }

    private static Token Quoted(string text, int start)
    {
        char quote = text[start];
        int close = text.IndexOf(quote, start + 1);
        if (close < 0)
        {
            throw new ParseFailure(new ParseError(
                start + 1,
                text.Length - start,
                $"unterminated string; expected a closing '{quote}'",
                $"a closing '{quote}'"));
        }

        return new Token(TokenKind.String, text.Substring(start, close - start + 1), start, close - start + 1);
    }

    /// <summary>The item from <paramref name="start"/> to the next comma, without trailing white space.</summary>
    private static Token Bare(string text, int start)
    {
        int end = text.IndexOf(',', start);
        if (end < 0)
        {
            end = text.Length;
        }

        string value = text.Substring(start, end - start).TrimEnd();
        int quote = value.IndexOfAny(new[] { '"', '\'' });
        if (quote >= 0)
        {
            throw new ParseFailure(new ParseError(
                start + quote + 1,
                1,
                $"unexpected '{value[quote]}' inside the unquoted value '{value}'; quote a value that contains a quote with the other quote, as in 'say \"hi\"'",
                "a value without quotes, or a quoted value"));
        }

        return new Token(TokenKind.Text, value, start, value.Length);
    }

    /// <summary>True when a number followed by ':' starts at <paramref name="start"/>: an N:M pattern such as <c>2:4</c>.</summary>
    private static bool StartsNOfM(string text, int start)
    {
        IResult<(string Text, double Value, bool IsPercent)> number = Number(new Input(text.Substring(start)));
        if (!number.WasSuccessful)
        {
            return false;
        }

        int i = start + number.Remainder.Position;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i < text.Length && text[i] == ':';
    }
}
