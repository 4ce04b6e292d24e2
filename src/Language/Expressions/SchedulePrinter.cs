using System;
using System.Collections.Generic;
using System.Globalization;

namespace SparseDsl.Language;

/// <summary>
/// Writes a <see cref="SparsityScheduleSpec"/> back as a schedule expression in one canonical form: the kind, then
/// every option the kind takes, in a fixed order, with its value, so the text says what runs without relying on
/// defaults (a later version's defaults cannot change what a stored run's text means). <c>warmup=</c> and
/// <c>density-lr=</c> of smet are written only when given, since "not given" is itself meaningful
/// (<see cref="SmetMethod"/>). Numbers are invariant and round-trip: the text parses back to an equal spec.
/// </summary>
internal static class SchedulePrinter
{
    public static string Print(SparsityScheduleSpec schedule)
    {
        var parts = new List<string> { Kind(schedule.Kind) };
        switch (schedule.Kind)
        {
            case ScheduleKind.Static:
                break;
            case ScheduleKind.Gmp:
                parts.Add("from=" + Number(schedule.InitialSparsity));
                parts.Add("to=" + Number(schedule.FinalSparsity));
                parts.Add("start=" + Amount(schedule.Start));
                parts.Add("end=" + Amount(schedule.End));
                parts.Add("every=" + Number(schedule.Every));
                break;
            default:
                parts.Add("every=" + Number(schedule.Every));
                parts.Add("drop=" + Number(schedule.Drop));
                parts.Add(schedule.Decay == DropDecay.Cosine ? "cosine" : "constant");
                parts.Add("floor=" + Number(schedule.DropFloor));
                parts.Add("start=" + Amount(schedule.Start));
                parts.Add("until=" + Amount(schedule.End));
                parts.Add("grow=" + schedule.Regrowth.ToString().ToLowerInvariant());
                if (schedule.Kind == ScheduleKind.Smet && schedule.MomentWarmupSteps is int warmup)
                {
                    parts.Add("warmup=" + Number(warmup));
                }

                if (schedule.Kind == ScheduleKind.Smet && schedule.DensityLrExponent is double exponent)
                {
                    parts.Add("density-lr=" + Number(exponent));
                }

                break;
        }

        return string.Join(" ", parts);
    }

    private static string Kind(ScheduleKind kind) => kind.ToString().ToLowerInvariant();

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>200</c> or <c>12.5%</c>. The grammar reads a percentage as p / 100, so the printed p is the one of the few
    /// doubles next to fraction × 100 that reads back as exactly the fraction.
    /// </summary>
    internal static string Amount(StepAmount amount)
    {
        if (!amount.IsFraction)
        {
            return Number(amount.Value);
        }

        double percent = amount.Value * 100;
        long bits = BitConverter.DoubleToInt64Bits(percent);
        for (int step = 0; step <= 4; step++)
        {
            foreach (long candidateBits in new[] { bits + step, bits - step })
            {
                double candidate = BitConverter.Int64BitsToDouble(candidateBits);
                string text = Number(candidate);
                if (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) / 100.0 == amount.Value)
                {
                    return text + "%";
                }
            }
        }

        return Number(percent) + "%";
    }
}
