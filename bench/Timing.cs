using System.Diagnostics;

namespace SparseDsl.Bench;

/// <summary>
/// Alternating timing: rounds in which each contender runs a block of repetitions, so drift on a shared machine hits all
/// alike. Before each block the process sleeps long enough for the previous contender's spinning worker threads (OpenBLAS
/// spins ~2^28 cycles after a call, the .NET thread pool briefly too) to go idle; otherwise they steal the cores.
/// </summary>
internal static class Timing
{
    private const int Rounds = 5;

    /// <summary>The value of <c>--reps N</c> in a study's arguments, else <paramref name="fallback"/>.</summary>
    internal static int Repetitions(string[] args, int fallback)
    {
        int at = Array.IndexOf(args, "--reps");
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
    private const int SettleMs = 150;

    /// <summary>
    /// Median seconds per contender over all repetitions, and for contender i the median over rounds of
    /// (median time of i) / (median time of contender 0) within that round.
    /// </summary>
    internal static (double[] Median, double[] SpeedupOfFirstOver) Interleaved(int reps, params Action[] contenders)
    {
        foreach (Action a in contenders)
        {
            // Warm up: past tiered JIT (a few hundred ms of calls) and the first touch of scratch buffers.
            var sw = Stopwatch.StartNew();
            int calls = 0;
            while (calls < 5 || (sw.Elapsed.TotalSeconds < 0.4 && calls < 2000))
            {
                a();
                calls++;
            }
        }

        int block = Math.Max(1, (reps + Rounds - 1) / Rounds);
        var all = new List<double>[contenders.Length];
        var roundRatios = new List<double>[contenders.Length];
        for (int i = 0; i < contenders.Length; i++)
        {
            all[i] = [];
            roundRatios[i] = [];
        }

        var times = new double[block];
        for (int round = 0; round < Rounds; round++)
        {
            double first = 0;
            for (int i = 0; i < contenders.Length; i++)
            {
                Thread.Sleep(SettleMs);
                contenders[i]();
                for (int r = 0; r < block; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    contenders[i]();
                    times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                }

                all[i].AddRange(times);
                double median = Median(times);
                if (i == 0)
                {
                    first = median;
                }

                roundRatios[i].Add(median / first);
            }
        }

        var medians = new double[contenders.Length];
        var ratios = new double[contenders.Length];
        for (int i = 0; i < contenders.Length; i++)
        {
            medians[i] = Median([.. all[i]]);
            ratios[i] = Median([.. roundRatios[i]]);
        }

        return (medians, ratios);
    }

    internal static double Median(double[] values)
    {
        double[] s = (double[])values.Clone();
        Array.Sort(s);
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
