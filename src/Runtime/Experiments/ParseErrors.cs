using System.CommandLine;
using System.CommandLine.Parsing;

namespace SparseDsl.Experiments;

/// <summary>
/// Command-line mistakes (an unknown option, a missing value, a value not among the allowed ones, a number that does
/// not parse — named by its option and the form expected, not by a .NET type) as one line on
/// stderr naming the problem and where the options are listed, with exit code 2 — instead of System.CommandLine's
/// help screen and exit code 1. Shared by the generated experiment programs and the <c>sparsedsl</c> tool.
/// </summary>
public static class ParseErrors
{
    /// <summary>Exit code for bad input.</summary>
    public const int ExitCode = 2;

    /// <summary>
    /// Reports the errors of <paramref name="result"/>, if any, and returns the exit code; null when the command
    /// line parsed. <paramref name="program"/> is how the user invokes the program (for the help hint).
    /// </summary>
    public static int? Report(ParseResult result, RootCommand root, string program, TextWriter error)
    {
        if (result.Errors.Count == 0)
        {
            return null;
        }

        string verb = result.CommandResult.Command == root ? "" : " " + result.CommandResult.Command.Name;
        string messages = string.Join(" ", result.Errors.Select(Describe).Distinct());
        error.WriteLine($"error: {messages} Run '{program}{verb} --help' for the options.");
        return ExitCode;
    }

    /// <summary>
    /// The error as a sentence. A value that does not convert to its option's type (System.CommandLine says
    /// <c>… as expected type 'System.Nullable`1[System.Int32]'</c>) becomes <c>--steps expects a whole number (such as
    /// 1000), got 'abc'.</c>
    /// </summary>
    private static string Describe(ParseError error)
    {
        var option = (error.SymbolResult as OptionResult ?? error.SymbolResult?.Parent as OptionResult)?.Option;
        if (option is not null)
        {
            Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            string? form = Form(type);
            if (form is not null && error.Message.Contains(option.ValueType.ToString(), StringComparison.Ordinal))
            {
                string? token = (error.SymbolResult as OptionResult ?? (OptionResult)error.SymbolResult!.Parent!).Tokens.FirstOrDefault()?.Value;
                return $"{option.Name} expects {form}, got '{token}'.";
            }
        }

        return error.Message.TrimEnd('.') + ".";
    }

    private static string? Form(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong)
            ? "a whole number (such as 1000)"
            : type == typeof(double) || type == typeof(float) || type == typeof(decimal)
                ? "a number (such as 2.5 or 1e-3)"
                : type == typeof(bool)
                    ? "true or false"
                    : null;
}
