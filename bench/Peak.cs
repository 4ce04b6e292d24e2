using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Bench;

/// <summary>
/// The FP32 peak of the machine the study runs on, measured in the same run: every core runs an FMA loop with no memory
/// traffic at once, so the figure includes whatever clock the cores hold under an all-core vector load (a constant
/// written down for one CPU went stale when the VM moved to other hardware).
/// </summary>
internal static class Peak
{
    // Intel and AMD cores retire up to 2 vector FMAs per cycle at a latency of 4–5 cycles, so at least 10 independent
    // chains are needed to keep both pipes busy; 12 leaves headroom and still fits in registers.
    private const int Accumulators = 12;
    private const int Repetitions = 7;
    private const double RepetitionSeconds = 0.075;

    private static readonly Lazy<double> Measured = new(Measure);

    // Read from a mutable field (a static readonly one is a JIT-time constant), so the JIT cannot fold the loop's arithmetic into constants. Multiplier < 1 keeps every chain
    // converging to offset / (1 - multiplier): no overflow, no denormals.
    private static float multiplier = 0.999f;
    private static float offset = 0.001f;

    /// <summary>The sum of every thread's accumulators; stored so that the loops have an observable result.</summary>
    internal static float Sink { get; private set; }

    internal static int Lanes => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;

    internal static string VectorName => Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256";

    /// <summary>
    /// Best all-core FP32 FMA throughput in GFLOP/s (2 flops per lane per FMA) over the repetitions, measured once per
    /// process: a capability, and on a shared VM noise only ever lowers it, so the best repetition is the estimate.
    /// </summary>
    internal static double Gflops => Measured.Value;

    internal static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"measured FP32 peak {Gflops:F0} GFLOP/s ({VectorName} FMA loop, {Accumulators} chains, {Environment.ProcessorCount} thread{(Environment.ProcessorCount == 1 ? "" : "s")} at once, best of {Repetitions} × ~{RepetitionSeconds * 1e3:F0} ms)");

    /// <summary>The first "model name" of /proc/cpuinfo with family and model (a VM's name is often generic), else the OS's.</summary>
    internal static string CpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            string[] lines = File.ReadAllLines("/proc/cpuinfo");
            string? Field(string key) => lines
                .Where(l => l.Split(':')[0].Trim() == key)
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
                .FirstOrDefault();
            if (Field("model name") is { } name)
            {
                return Field("cpu family") is { } family && Field("model") is { } model
                    ? $"{name} (family {family} model {model})"
                    : name;
            }
        }

        return $"{RuntimeInformation.OSArchitecture} on {RuntimeInformation.OSDescription}";
    }

    private static double Measure()
    {
        // One thread alone sizes a repetition (fastest of 3 short runs, as a neighbour's load only ever slows one down);
        // after that all threads start together on a barrier.
        const long calibration = 1 << 20;
        double fastest = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Sink += Spin(calibration);
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        long iterations = Math.Max(calibration, (long)(calibration * RepetitionSeconds / fastest));

        int threads = Environment.ProcessorCount;
        using var barrier = new Barrier(threads + 1);
        var sums = new float[threads];
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                for (int rep = 0; rep <= Repetitions; rep++)
                {
                    barrier.SignalAndWait();
                    sums[index] += Spin(iterations);
                    barrier.SignalAndWait();
                }
            }) { IsBackground = true };
            workers[t].Start();
        }

        // Repetition 0 is a warm-up: threads reach the loop and the cores settle at their all-core clock.
        var gflops = new double[Repetitions];
        for (int rep = 0; rep <= Repetitions; rep++)
        {
            barrier.SignalAndWait();
            long t0 = Stopwatch.GetTimestamp();
            barrier.SignalAndWait();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (rep > 0)
            {
                gflops[rep - 1] = 2.0 * threads * iterations * Accumulators * Lanes / seconds / 1e9;
            }
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        Sink += sums.Sum();
        return gflops.Max();
    }

    private static float Spin(long iterations) =>
        Vector512.IsHardwareAccelerated ? Spin512(iterations) : Spin256(iterations);

    // Fully optimised from the first call: tier-0 code (or an OSR transition mid-loop) would skew the calibration.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Spin512(long iterations)
    {
        Vector512<float> m = Vector512.Create(multiplier), c = Vector512.Create(offset);
        Vector512<float> a0 = Vector512.Create(0f), a1 = Vector512.Create(1f), a2 = Vector512.Create(2f), a3 = Vector512.Create(3f);
        Vector512<float> a4 = Vector512.Create(4f), a5 = Vector512.Create(5f), a6 = Vector512.Create(6f), a7 = Vector512.Create(7f);
        Vector512<float> a8 = Vector512.Create(8f), a9 = Vector512.Create(9f), a10 = Vector512.Create(10f), a11 = Vector512.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Spin256(long iterations)
    {
        Vector256<float> m = Vector256.Create(multiplier), c = Vector256.Create(offset);
        Vector256<float> a0 = Vector256.Create(0f), a1 = Vector256.Create(1f), a2 = Vector256.Create(2f), a3 = Vector256.Create(3f);
        Vector256<float> a4 = Vector256.Create(4f), a5 = Vector256.Create(5f), a6 = Vector256.Create(6f), a7 = Vector256.Create(7f);
        Vector256<float> a8 = Vector256.Create(8f), a9 = Vector256.Create(9f), a10 = Vector256.Create(10f), a11 = Vector256.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
