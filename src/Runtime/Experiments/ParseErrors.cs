using System.CommandLine;

namespace SparseDsl.Experiments;

/// <summary>
/// Command-line mistakes (an unknown option, a missing value, a value not among the allowed ones) as one line on
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
        string messages = string.Join(" ", result.Errors.Select(e => e.Message.TrimEnd('.') + ".").Distinct());
        error.WriteLine($"error: {messages} Run '{program}{verb} --help' for the options.");
        return ExitCode;
    }
}
