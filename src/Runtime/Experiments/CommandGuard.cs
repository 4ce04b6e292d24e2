using System.CommandLine;
using SparseDsl.Data;

namespace SparseDsl.Experiments;

/// <summary>Turns failures the user can fix into one line and exit code 2, never a stack trace.</summary>
internal static class CommandGuard
{
    /// <summary>
    /// Runs a verb; bad input found while running (a data set that cannot be fetched or read, an unusable option value,
    /// a results store that is damaged, read-only or full) is one line on the invocation's error writer and exit code 2.
    /// </summary>
    public static int Run(ParseResult parse, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (error is UserInputException or DataUnavailableException or NotSupportedException or ResultStoreException)
        {
            parse.InvocationConfiguration.Error.WriteLine("error: " + error.Message);
            return 2;
        }
    }
}
