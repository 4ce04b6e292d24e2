using System.Diagnostics;
using System.Globalization;

namespace SparseDsl.Bench;

/// <summary>
/// TOOLCHAIN §9: the study compares our kernels with OpenBLAS at its best. OpenBLAS reads OPENBLAS_CORETYPE and
/// OPENBLAS_L2_SIZE once, when it loads, and 0.3.21 does not recognise every CPU (on an Emerald Rapids Xeon it
/// autodetects its Prescott kernel, a tenth of the speed of its AVX-512 ones). So the parent process times each
/// candidate setting in a short child process of its own (<c>kernels --blas-probe</c>) and picks the fastest.
/// </summary>
internal static class BlasCoreChoice
{
    internal const string ProbeFlag = "--blas-probe";

    /// <summary>
    /// Set on the study child: what the machine set the OpenBLAS variables to (for the study's header), which also says
    /// that the kernel is already chosen.
    /// </summary>
    internal const string MachineSettingVariable = "SPARSEDSL_BENCH_MACHINE_BLAS";

    private const string CoreType = "OPENBLAS_CORETYPE", L2Size = "OPENBLAS_L2_SIZE";
    private const string ProbeLinePrefix = "blas-probe";
    private const int ProbeSize = 1024, ProbeCalls = 7, WarmUpCalls = 3;

    // Null: both variables removed, so OpenBLAS autodetects. The others are OpenBLAS's AVX-512 kernels, oldest first; one
    // this OpenBLAS does not know falls back to some other kernel, which the probe then reports under its own name.
    private static readonly string?[] CandidateCoreTypes = [null, "SkylakeX", "Cooperlake", "SapphireRapids"];

    /// <summary>Whether the parent already chose the kernel for this process.</summary>
    internal static bool Chosen => MachineSetting is not null;

    /// <summary>The machine's setting as the parent saw it, when it chose the kernel for this process.</summary>
    internal static string? MachineSetting => Environment.GetEnvironmentVariable(MachineSettingVariable);

    /// <summary>The two variables as this process has them, e.g. "OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_L2_SIZE unset".</summary>
    internal static string CurrentSetting() => string.Join(", ", new[] { CoreType, L2Size }.Select(v =>
        Environment.GetEnvironmentVariable(v) is { } value ? $"{v}={value}" : $"{v} unset"));

    /// <summary>
    /// Probe child: one machine-readable line with the kernel OpenBLAS loaded and its median cblas_sgemm 1024³ GFLOP/s,
    /// on as many threads as the study gives it.
    /// </summary>
    internal static int ReportProbe()
    {
        if (!OpenBlas.Available())
        {
            Console.Error.WriteLine("libopenblas.so.0 not found");
            return 1;
        }

        OpenBlas.SetThreads(Environment.ProcessorCount);
        const int n = ProbeSize;
        var rng = new Random(1);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)rng.NextDouble();
            b[i] = (float)rng.NextDouble();
        }

        for (int i = 0; i < WarmUpCalls; i++)
        {
            OpenBlas.Multiply(false, false, n, n, n, a, b, c);
        }

        var seconds = new double[ProbeCalls];
        for (int i = 0; i < ProbeCalls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            OpenBlas.Multiply(false, false, n, n, n, a, b, c);
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        double gflops = 2.0 * n * n * n / Timing.Median(seconds) / 1e9;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ProbeLinePrefix} core={OpenBlas.Core()} gflops={gflops:F1}"));
        return 0;
    }

    /// <summary>
    /// Parent: probes every candidate, prints one line with all of them, and returns the fastest one's environment
    /// changes (null: remove) with the marker for the study child; null when no probe gave a figure.
    /// </summary>
    internal static Dictionary<string, string?>? ChooseFastest()
    {
        var results = new List<(string Setting, string Core, double Gflops, Dictionary<string, string?> Environment)>();
        var failures = new List<string>();
        foreach (string? coreType in CandidateCoreTypes)
        {
            var environment = new Dictionary<string, string?> { [CoreType] = coreType, [L2Size] = null };
            string setting = coreType is null ? "autodetect" : $"{CoreType}={coreType}";
            (int exitCode, string output, string errors) = SelfProcess.Run(["kernels", ProbeFlag], environment, capture: true);
            if (exitCode == 0 && ParseProbeLine(output) is { } probe)
            {
                results.Add((setting, probe.Core, probe.Gflops, environment));
            }
            else
            {
                failures.Add($"{setting}: exit {exitCode} {errors.Trim()} {output.Trim()}".TrimEnd());
            }
        }

        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        string listed = string.Join("; ", results.Select(r => $"{r.Setting} → {r.Core} {F(r.Gflops)} GFLOP/s"));
        if (failures.Count > 0)
        {
            Console.WriteLine($"OpenBLAS kernel probes that failed: {string.Join("; ", failures)}");
        }

        if (results.Count == 0)
        {
            Console.WriteLine("OpenBLAS kernel probe: no candidate gave a figure; measuring OpenBLAS as the environment sets it.");
            return null;
        }

        var fastest = results.MaxBy(r => r.Gflops);
        Console.WriteLine($"OpenBLAS kernel probe (cblas_sgemm {ProbeSize}³, {Environment.ProcessorCount} threads, median of {ProbeCalls}): " +
            $"{listed}. Chosen: {fastest.Setting} ({fastest.Core}).");
        fastest.Environment[MachineSettingVariable] = CurrentSetting();
        return fastest.Environment;
    }

    private static (string Core, double Gflops)? ParseProbeLine(string output)
    {
        // "blas-probe core=SkylakeX gflops=312.4"; anything OpenBLAS itself printed is on other lines.
        string? line = output.Split('\n').LastOrDefault(l => l.StartsWith(ProbeLinePrefix + " ", StringComparison.Ordinal));
        string[] fields = line?.Trim().Split(' ') ?? [];
        string? core = fields.FirstOrDefault(f => f.StartsWith("core=", StringComparison.Ordinal))?["core=".Length..];
        string? gflops = fields.FirstOrDefault(f => f.StartsWith("gflops=", StringComparison.Ordinal))?["gflops=".Length..];
        return core is not null && double.TryParse(gflops, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? (core, value)
            : null;
    }
}
