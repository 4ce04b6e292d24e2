using System;
using System.Collections.Generic;
using System.Globalization;

namespace SparseDsl.Language;

/// <summary>Thrown inside the grammars to stop at the first error; the entry points turn it into a <see cref="ParseError"/>.</summary>
internal sealed class ParseFailure(ParseError error) : Exception(error.Message)
{
    public ParseError Error { get; } = error;
}

/// <summary>Walks the tokens of one expression and builds errors that point at the offending token.</summary>
internal sealed class TokenCursor
{
    private readonly IReadOnlyList<Token> tokens;
    private int index;

    public TokenCursor(string text)
        : this(text, Lexical.Tokenize(text))
    {
    }

    /// <summary>A cursor over tokens already read from <paramref name="text"/> (grid values lex differently).</summary>
    public TokenCursor(string text, IReadOnlyList<Token> tokens)
    {
        Text = text;
        this.tokens = tokens;
    }

    public string Text { get; }

    public bool AtEnd => index >= tokens.Count;

    public Token? Peek(int ahead = 0) => index + ahead >= 0 && index + ahead < tokens.Count ? tokens[index + ahead] : null;

    public Token Next(string expected)
    {
        Token? token = Peek();
        if (token is null)
        {
            throw AtEndOfInput(expected);
        }

        index++;
        return token;
    }

    public bool TryTake(TokenKind kind, out Token token)
    {
        Token? next = Peek();
        if (next is not null && next.Kind == kind)
        {
            index++;
            token = next;
            return true;
        }

        token = null!;
        return false;
    }

    public Token Expect(TokenKind kind, string expected)
    {
        Token token = Next(expected);
        return token.Kind == kind ? token : throw Unexpected(token, expected);
    }

    public void ExpectEnd(string expected = "end of input")
    {
        if (Peek() is Token token)
        {
            throw Unexpected(token, expected);
        }
    }

    /// <summary>A plain number (no percent sign).</summary>
    public double Number(string expected = "a number")
    {
        Token token = Next(expected);
        if (token.Kind != TokenKind.Number)
        {
            throw Unexpected(token, expected);
        }

        if (token.IsPercent)
        {
            throw Fail(token, $"unexpected '{token.Text}'; expected {expected} without '%'", expected);
        }

        return token.Number;
    }

    /// <summary>A whole number (no fraction, no percent sign).</summary>
    public int Integer(string expected = "a whole number")
    {
        Token token = Next(expected);
        if (token.Kind != TokenKind.Number)
        {
            throw Unexpected(token, expected);
        }

        return token.IsInteger ? (int)token.Number : throw Fail(token, $"unexpected '{token.Text}'; expected {expected}", expected);
    }

    /// <summary>A step count (<c>200</c>) or a fraction of training (<c>5%</c>).</summary>
    public StepAmount StepAmount(string expected = "a step count such as 200 or a percentage such as 5%")
    {
        Token token = Next(expected);
        if (token.Kind != TokenKind.Number)
        {
            throw Unexpected(token, expected);
        }

        if (token.IsPercent)
        {
            return Language.StepAmount.Fraction(token.Number);
        }

        return token.IsInteger ? Language.StepAmount.Steps((int)token.Number) : throw Fail(token, $"unexpected '{token.Text}'; expected {expected}", expected);
    }

    public ParseFailure Unexpected(Token token, string expected) =>
        Fail(token, $"unexpected {token.Display}; expected {expected}", expected);

    public ParseFailure Fail(Token token, string message, string expected) =>
        new(new ParseError(token.Start + 1, token.Length, message, expected));

    public ParseFailure AtEndOfInput(string expected)
    {
        string trimmed = Text.TrimEnd();
        return new ParseFailure(new ParseError(trimmed.Length + 1, 0, $"unexpected end of input; expected {expected}", expected));
    }

    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
