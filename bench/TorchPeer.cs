using System.Diagnostics;
using System.Globalization;

namespace SparseDsl.Bench;

/// <summary>One epoch the PyTorch script trained: its <c>RESULT</c> line's fields.</summary>
internal sealed record TorchEpoch(string Mode, double Seconds, int Steps, int Updates, double TestAccuracy, IReadOnlyDictionary<string, string> Fields);

/// <summary>What one run of the PyTorch script gave: its epochs and the lines describing its setup, or why it could not run.</summary>
internal sealed record TorchRun(IReadOnlyList<TorchEpoch> Epochs, IReadOnlyList<string> Setup, string? Unavailable, string? Failure);

/// <summary>What one run of any peer script gave: each <c>RESULT</c> line's fields, its setup lines, or why it could not run.</summary>
internal sealed record TorchResults(IReadOnlyList<IReadOnlyDictionary<string, string>> Results, IReadOnlyList<string> Setup, string? Unavailable, string? Failure);

/// <summary>
/// Starts a script of bench/pytorch (copied next to this program; set_epoch.py for <c>dst</c>, tiny_lm.py for <c>lm</c>) as a child process, the way TOOLCHAIN §10 says
/// PyTorch runs at its best on this machine: Debian's <c>/usr/bin/python3</c> (the <c>python3</c> first on PATH may
/// be another interpreter that cannot see Debian's python3-torch), OpenBLAS's OpenMP build as the process's
/// <c>libblas.so.3</c> (the pthread build's threads fight torch's for the cores), <c>OPENBLAS_CORETYPE</c> and
/// <c>OPENBLAS_L2_SIZE</c> removed (so OpenBLAS picks its AVX-512 kernels), and as many threads as this process has cores.
/// </summary>
internal static class TorchPeer
{
    internal const string Python = "/usr/bin/python3";

    internal const string InstallCommand = "apt-get install -y python3-torch libopenblas0-openmp";

    /// <summary>Where Debian's libopenblas0-openmp puts its libblas.so.3.</summary>
    internal const string OpenMpBlasDirectory = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    /// <summary>The exit code by which the script says that torch cannot be imported.</summary>
    private const int TorchMissing = 3;

    internal static string Script => ScriptPath("set_epoch.py");

    internal static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "pytorch", name);

    /// <summary>The environment changes of the child (null removes a variable).</summary>
    internal static IReadOnlyDictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["OPENBLAS_CORETYPE"] = null,
            ["OPENBLAS_L2_SIZE"] = null,
            ["OMP_NUM_THREADS"] = System.Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        };
        if (Directory.Exists(OpenMpBlasDirectory))
        {
            string? existing = System.Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            environment["LD_LIBRARY_PATH"] = string.IsNullOrEmpty(existing) ? OpenMpBlasDirectory : OpenMpBlasDirectory + ":" + existing;
        }

        return environment;
    }

    /// <summary>Runs set_epoch.py with <paramref name="arguments"/> (after the script's path) and reads its epochs.</summary>
    internal static TorchRun Run(IEnumerable<string> arguments)
    {
        TorchResults run = Run("set_epoch.py", arguments);
        var epochs = run.Results.Select(fields => new TorchEpoch(
            fields["mode"],
            double.Parse(fields["seconds"], CultureInfo.InvariantCulture),
            int.Parse(fields["steps"], CultureInfo.InvariantCulture),
            int.Parse(fields["updates"], CultureInfo.InvariantCulture),
            double.Parse(fields["test_accuracy"], CultureInfo.InvariantCulture),
            fields)).ToList();
        return new TorchRun(epochs, run.Setup, run.Unavailable, run.Failure);
    }

    /// <summary>
    /// Runs bench/pytorch/<paramref name="scriptName"/> with <paramref name="arguments"/> (after the script's path): each
    /// <c>RESULT key=value …</c> line of its output as fields, every other line as setup.
    /// </summary>
    internal static TorchResults Run(string scriptName, IEnumerable<string> arguments)
    {
        string script = ScriptPath(scriptName);
        if (!File.Exists(Python))
        {
            return new TorchResults([], [], $"{Python} is missing", null);
        }

        if (!File.Exists(script))
        {
            return new TorchResults([], [], null, $"{script} is missing (rebuild the bench: it is copied there on build)");
        }

        var start = new ProcessStartInfo(Python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in Environment())
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
        // Both pipes drained at once: a child blocked on a full stderr pipe would never finish its stdout.
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> errors = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        if (child.ExitCode == TorchMissing)
        {
            return new TorchResults([], [], errors.Result.Trim(), null);
        }

        if (child.ExitCode != 0)
        {
            string tail = string.Join(" | ", errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
            return new TorchResults([], [], null, $"the PyTorch script exited with {child.ExitCode}: {tail}");
        }

        var results = new List<IReadOnlyDictionary<string, string>>();
        var setup = new List<string>();
        foreach (string line in output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                setup.Add(line);
                continue;
            }

            results.Add(line["RESULT ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2))
                .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "", StringComparer.Ordinal));
        }

        return new TorchResults(results, setup, null, null);
    }
}
