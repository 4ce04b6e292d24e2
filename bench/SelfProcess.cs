using System.Diagnostics;

namespace SparseDsl.Bench;

/// <summary>
/// Runs this program again as a child process with some environment variables changed: native libraries such as
/// OpenBLAS read their settings once, when they load, so a different setting needs a fresh process.
/// </summary>
internal static class SelfProcess
{
    /// <summary>
    /// Starts this program with <paramref name="args"/>; a null value in <paramref name="environment"/> removes that
    /// variable. With <paramref name="capture"/> the child's stdout and stderr come back instead of reaching the console.
    /// </summary>
    internal static (int ExitCode, string Output, string Errors) Run(
        IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, bool capture)
    {
        // Under `dotnet run` (and a published app) the process is the apphost; under `dotnet SparseDsl.Bench.dll` it is
        // the dotnet host, which needs the assembly path (command-line argument 0) before the program's arguments.
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = capture,
            RedirectStandardError = capture,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using Process child = Process.Start(start)!;
        if (!capture)
        {
            child.WaitForExit();
            return (child.ExitCode, "", "");
        }

        // Both pipes are drained concurrently: a child blocked on a full stderr pipe would never finish its stdout.
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> errors = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        return (child.ExitCode, output.Result, errors.Result);
    }
}
