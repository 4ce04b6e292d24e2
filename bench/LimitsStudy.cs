using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- limits</c>: what one core of this machine does per cycle when every FMA needs an operand picked by data, the
/// bound under any N:M (2:4) kernel. A 2:4 layer does half the dense FMAs, but each row picks its own 2 of every 4
/// inputs, so each useful FMA needs either a load from a data-dependent address or a shuffle that picks the input from
/// a register; the dense GEMM broadcasts one operand and reuses the other from registers. The study measures each
/// pattern's FMA rate against the register-only rate, then the whole dense product's share of the peak, and prints
/// what a 2:4 kernel could reach over our dense one at that shape by either route.
/// </summary>
internal static unsafe class LimitsStudy
{
    private const int Repetitions = 5;
    private const int Iterations = 4_000_000;

    /// <summary>Row picks for the indexed pattern: 4 KiB of bytes, a power of two.</summary>
    private const int RowPicks = 4096;

    // Mutable, so the JIT cannot fold the chains into constants; |multiplier| < 1 keeps them finite.
    private static float multiplier = 0.999f;

    internal static int Run(string[] args)
    {
        if (!Avx512F.IsSupported)
        {
            Console.Error.WriteLine("limits: this study measures AVX-512 patterns and the CPU has no AVX-512; nothing to measure here.");
            return 2;
        }

        Console.WriteLine($"# What one core does per cycle when operands are picked by data ({Peak.CpuModel()}; {Peak.Describe()})");
        Console.WriteLine();
        Console.WriteLine("One thread, Vector512, 8 independent FMA chains; best of 5 runs of 4 M iterations (noise only lowers a rate).");
        Console.WriteLine("Rates are vector FMAs per ns (×32 = GFLOP/s).");
        Console.WriteLine();
        Console.WriteLine("| pattern | vector FMA/ns | of the register-only rate |");
        Console.WriteLine("|---|---|---|");
        float* buffer = (float*)NativeMemory.AlignedAlloc(1 << 21, 64);
        try
        {
            for (int i = 0; i < (1 << 19); i++)
            {
                buffer[i] = 1e-3f * (i % 97);
            }

            double registers = Best(8, () => RegistersOnly(Iterations));
            Row("operands in registers (the GEMM micro-kernel's case)", registers, registers);
            foreach (int kib in new[] { 4, 16, 32, 40, 48, 64, 256, 1024 })
            {
                double rate = Best(8, () => LoadPerFma(buffer, kib * 1024 / 512, Iterations));
                Row($"one 64-byte load per FMA, {kib} KiB walked in order", rate, registers);
            }

            double indexed;
            byte* rows = (byte*)NativeMemory.Alloc(RowPicks);
            try
            {
                var random = new Random(3);
                for (int i = 0; i < RowPicks; i++)
                {
                    rows[i] = (byte)random.Next(64);
                }

                indexed = Best(8, () => IndexedLoadPerFma(buffer, rows, Iterations));
                Row("one 64-byte load per FMA, each 512-byte row picked by a byte read from memory (a 2:4 entry's slot), 32 KiB", indexed, registers);
            }
            finally
            {
                NativeMemory.Free(rows);
            }

            double inLane = Best(8, () => ShufflePerFma(buffer, Iterations, crossLane: false));
            Row("one in-lane shuffle (vpermilps) per FMA", inLane, registers);
            double crossLane = Best(8, () => ShufflePerFma(buffer, Iterations, crossLane: true));
            Row("one cross-lane shuffle (vpermps) per FMA", crossLane, registers);

            var (gemmShare, peakPerCore) = DenseShare();
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Our dense forward 1000×1000, batch 128 (`Gemm.Multiply`, both cores): {100 * gemmShare:F0} % of the measured peak ({peakPerCore:F2} vector FMA/ns per core)."));
            foreach (var (route, rate) in new[] { ("a load at an address read from memory", indexed), ("an in-lane shuffle", inLane) })
            {
                double share = rate / peakPerCore;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"A 2:4 product whose every FMA takes its operand through {route}: half the dense FMAs at about {100 * share:F0} % of the peak, so about {2 * share / gemmShare:F2}× our dense before the kernel's own overhead (accumulators, reductions, the weights' stream); a ceiling estimate from this run's rates, which move with the host's load."));
            }
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }

        return 0;
    }

    private static void Row(string pattern, double rate, double registers) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {pattern} | {rate:F2} | {100 * rate / registers:F0} % |"));

    /// <summary>Vector FMAs per ns: <paramref name="fmasPerIteration"/> × iterations over the best of the runs.</summary>
    private static double Best(int fmasPerIteration, Func<float> run)
    {
        run(); // tiered JIT: the timed runs use the optimized loop
        double best = double.MaxValue;
        for (int r = 0; r < Repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            Sink += run();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return (double)fmasPerIteration * Iterations / best / 1e9;
    }

    /// <summary>Sum of every pattern's result, kept so that no loop is dead code.</summary>
    internal static float Sink { get; private set; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float RegistersOnly(int iterations)
    {
        var m = Vector512.Create(multiplier);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, m); a1 = Avx512F.FusedMultiplyAdd(a1, m, m);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, m); a3 = Avx512F.FusedMultiplyAdd(a3, m, m);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, m); a5 = Avx512F.FusedMultiplyAdd(a5, m, m);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, m); a7 = Avx512F.FusedMultiplyAdd(a7, m, m);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    /// <summary>Each FMA takes one operand from memory, 512 bytes per iteration, walking <paramref name="blocks"/> × 512 bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float LoadPerFma(float* x, int blocks, int iterations)
    {
        var m = Vector512.Create(multiplier);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        int block = 0;
        for (int i = 0; i < iterations; i++)
        {
            RowTimes(x + block * 128, m, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            block = block + 1 == blocks ? 0 : block + 1;
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    /// <summary>As <see cref="LoadPerFma"/> over 32 KiB, but each iteration's row is read from <paramref name="rows"/>: the address depends on a load.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float IndexedLoadPerFma(float* x, byte* rows, int iterations)
    {
        var m = Vector512.Create(multiplier);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int i = 0; i < iterations; i++)
        {
            RowTimes(x + rows[i & (RowPicks - 1)] * 128, m, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    /// <summary>
    /// Each FMA takes one operand through a shuffle with its own control (a 2:4 row's choice of 2 of 4 inputs); the
    /// shuffled vector is loaded from L1 once per 8 FMAs, so the loop can neither hoist the shuffles nor wait on loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float ShufflePerFma(float* x, int iterations, bool crossLane)
    {
        var m = Vector512.Create(multiplier);
        Vector512<int> c0 = Vector512.Create(0, 1, 2, 3, 1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2), step = Vector512.Create(5);
        Vector512<int> c1 = c0 + step, c2 = c1 + step, c3 = c2 + step, c4 = c3 + step, c5 = c4 + step, c6 = c5 + step, c7 = c6 + step;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int i = 0; i < iterations; i++)
        {
            var v = Avx512F.LoadAlignedVector512(x + (i & 63) * 16);
            a0 = Avx512F.FusedMultiplyAdd(Pick(v, c0, crossLane), m, a0);
            a1 = Avx512F.FusedMultiplyAdd(Pick(v, c1, crossLane), m, a1);
            a2 = Avx512F.FusedMultiplyAdd(Pick(v, c2, crossLane), m, a2);
            a3 = Avx512F.FusedMultiplyAdd(Pick(v, c3, crossLane), m, a3);
            a4 = Avx512F.FusedMultiplyAdd(Pick(v, c4, crossLane), m, a4);
            a5 = Avx512F.FusedMultiplyAdd(Pick(v, c5, crossLane), m, a5);
            a6 = Avx512F.FusedMultiplyAdd(Pick(v, c6, crossLane), m, a6);
            a7 = Avx512F.FusedMultiplyAdd(Pick(v, c7, crossLane), m, a7);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    /// <summary>a_i += row[16i .. 16i + 16)·m for the eight vectors of one 512-byte row: eight loads, eight FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTimes(
        float* row, Vector512<float> m,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3,
        ref Vector512<float> a4, ref Vector512<float> a5, ref Vector512<float> a6, ref Vector512<float> a7)
    {
        a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row), m, a0);
        a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 16), m, a1);
        a2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 32), m, a2);
        a3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 48), m, a3);
        a4 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 64), m, a4);
        a5 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 80), m, a5);
        a6 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 96), m, a6);
        a7 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(row + 112), m, a7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pick(Vector512<float> v, Vector512<int> control, bool crossLane) =>
        crossLane ? Avx512F.PermuteVar16x32(v, control) : Avx512F.PermuteVar4x32(v, control);

    /// <summary>The dense forward's FMA rate at the examples' layer shape as a share of the measured peak, and that peak per core.</summary>
    private static (double Share, double PeakPerCore) DenseShare()
    {
        const int rows = 1000, inputs = 1000, batch = 128;
        float[] w = KernelStudy.Random(rows * inputs, 5), x = KernelStudy.Random(inputs * batch, 6), y = new float[rows * batch];
        for (int i = 0; i < 20; i++)
        {
            Gemm.Multiply(false, false, rows, batch, inputs, w, x, y);
        }

        double best = double.MaxValue;
        for (int r = 0; r < 7; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++)
            {
                Gemm.Multiply(false, false, rows, batch, inputs, w, x, y);
            }

            best = Math.Min(best, clock.Elapsed.TotalSeconds / 20);
        }

        double gflops = 2.0 * rows * inputs * batch / best / 1e9;
        return (gflops / Peak.Gflops, Peak.Gflops / (2.0 * Peak.Lanes) / Environment.ProcessorCount);
    }
}
