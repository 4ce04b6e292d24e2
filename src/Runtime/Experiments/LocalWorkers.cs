using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SparseDsl.Experiments;

/// <summary>
/// <c>run --workers K</c>: K <c>run</c> processes of this same program on the same store, started side by side. The
/// store's claims split the grid between them (no point is trained twice, a dead one's point is reclaimed), so this only
/// starts them, gives each its share of the cores — a contiguous block pinned by affinity where the platform allows,
/// and <c>DOTNET_PROCESSOR_COUNT</c> so that its kernels split work into that many parts — prefixes their output with
/// the worker's number, passes SIGINT/SIGTERM on as SIGTERM, and exits with the worst of their exit codes.
/// </summary>
internal static class LocalWorkers
{
    /// <summary>Runs <paramref name="workers"/> children with <paramref name="arguments"/> (the verb and its options, without --workers).</summary>
    public static int Run(int workers, IReadOnlyList<string> arguments, TextWriter output, TextWriter error)
    {
        int cores = Environment.ProcessorCount;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"starting {workers} workers on {cores} core(s){(workers > cores ? " (more workers than cores: they share them)" : "")}"));
        using var stop = new CancellationTokenSource();
        using var signals = StopSignals.Register(stop);
        var children = new List<Process>();
        try
        {
            for (int w = 0; w < workers; w++)
            {
                children.Add(Start(w, workers, cores, arguments, output, error));
            }

            // SIGTERM (Slurm, kill) reaches this process only: pass it on, and each child releases its point and exits.
            // Ctrl+C reaches the whole process group, so the children have it already (a second one would kill them).
            using var forward = stop.Token.Register(() =>
            {
                if (signals.Received == "SIGTERM")
                {
                    foreach (Process child in children)
                    {
                        Terminate(child);
                    }
                }
            });
            foreach (Process child in children)
            {
                child.WaitForExit();
            }

            int worst = children.Max(c => c.ExitCode);
            output.WriteLine(worst == 0 ? $"all {workers} workers finished" : $"workers exited with {string.Join(", ", children.Select(c => c.ExitCode))}");
            return stop.IsCancellationRequested ? signals.ExitCode : worst;
        }
        finally
        {
            foreach (Process child in children)
            {
                child.Dispose();
            }
        }
    }

    /// <summary>The command line of a child: this program again (through the dotnet host when it was started that way).</summary>
    private static ProcessStartInfo CommandLine(IReadOnlyList<string> arguments)
    {
        string host = Environment.ProcessPath ?? throw new UserInputException("--workers: cannot find this program's path to start the workers; start the `run` processes yourself, one per worker");
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]); // the program's .dll
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static Process Start(int worker, int workers, int cores, IReadOnlyList<string> arguments, TextWriter output, TextWriter error)
    {
        // Worker w gets cores [first, first + count): contiguous blocks, the remainder to the first workers.
        int count = Math.Max(1, cores / workers + (worker < cores % workers ? 1 : 0));
        int first = workers >= cores ? worker % cores : (worker * (cores / workers)) + Math.Min(worker, cores % workers);
        ProcessStartInfo start = CommandLine(arguments);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = count.ToString(CultureInfo.InvariantCulture);
        var child = Process.Start(start) ?? throw new UserInputException($"--workers: worker {worker + 1} did not start");
        Pin(child, first, count);
        string prefix = $"[worker {worker + 1}] ";
        child.OutputDataReceived += (_, line) => Write(output, prefix, line.Data);
        child.ErrorDataReceived += (_, line) => Write(error, prefix, line.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    private static void Write(TextWriter writer, string prefix, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine(prefix + line);
        }
    }

    /// <summary>
    /// Best effort: the affinity of the child's main thread, which the threads it starts later (the kernels' workers)
    /// inherit; where the platform refuses, the child still splits its work by its processor count.
    /// </summary>
    private static void Pin(Process child, int first, int count)
    {
        if (first + count > 63 || !(OperatingSystem.IsLinux() || OperatingSystem.IsWindows()))
        {
            return;
        }

        try
        {
            child.ProcessorAffinity = (nint)(((1L << count) - 1) << first);
        }
        catch (Exception refused) when (refused is PlatformNotSupportedException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // The child may already have exited, or the platform does not pin: it runs unpinned.
        }
    }

    /// <summary>SIGTERM where there is one (the child releases its point and exits 143), else a kill.</summary>
    private static void Terminate(Process child)
    {
        try
        {
            if (child.HasExited)
            {
                return;
            }

            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                _ = SendSignal(child.Id, 15);
            }
            else
            {
                child.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
