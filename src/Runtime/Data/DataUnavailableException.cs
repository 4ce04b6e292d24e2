namespace SparseDsl.Data;

/// <summary>
/// A data set cannot be had. The message is one line that says what to run; the CLI prints it as is.
/// </summary>
public sealed class DataUnavailableException : Exception
{
    public DataUnavailableException(string message)
        : base(OneLine(message))
    {
    }

    public DataUnavailableException(string message, Exception inner)
        : base(OneLine(message), inner)
    {
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
