using System.ComponentModel;
using System.Diagnostics;

namespace SparseDsl.Data;

/// <summary>
/// Runs a package client (<c>apt-get</c>, <c>dpkg</c>, <c>npm</c>) to completion and turns every failure into a
/// <see cref="PackageFetchException"/> with one short reason: the command is missing, it timed out, or it exited
/// non-zero (the reason is then the client's own error line, as the caller's errorLine function picks it).
/// </summary>
internal static class ClientCommand
{
    /// <summary>Runs <paramref name="command"/> and returns its standard output.</summary>
    public static string Run(
        string command,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        Func<string, string, string?> errorLine)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PackageFetchException($"{command} did not start");
        }
        catch (Win32Exception e)
        {
            throw new PackageFetchException($"{command} not found: {e.Message}", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new PackageFetchException($"{command} took longer than {timeout.TotalMinutes:0} minutes");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new PackageFetchException(errorLine(error.Result, output.Result) ?? $"{command} exited with code {process.ExitCode}");
            }

            return output.Result;
        }
    }

    /// <summary>True when <paramref name="e"/> says the client program itself is missing (not that it failed).</summary>
    public static bool IsMissingCommand(PackageFetchException e) => e.InnerException is Win32Exception;
}
