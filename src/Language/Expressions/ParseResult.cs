namespace SparseDsl.Language;

/// <summary>Where and why an expression failed to parse. <see cref="Column"/> is 1-based.</summary>
public sealed record ParseError(int Column, int Length, string Message, string Expected)
{
    public override string ToString() => $"column {Column}: {Message}";
}

/// <summary>Either a parsed value or the error that stopped parsing.</summary>
public sealed record ParseResult<T>(T? Value, ParseError? Error)
{
    public bool Success => Error is null;

    public static ParseResult<T> Ok(T value) => new(value, null);

    public static ParseResult<T> Fail(ParseError error) => new(default, error);
}
