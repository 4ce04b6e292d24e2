using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>
/// Writes an <see cref="OptimizerSpec"/> back as an optimizer expression in one canonical form, as
/// <see cref="SchedulePrinter"/> does for schedules: the kind, then every option the kind takes in a fixed order with
/// its value (so the text says what runs whatever a later version's defaults are), the SMET options only when given.
/// Numbers are invariant and round-trip: the text parses back to an equal spec. <c>lr=1e-3</c> and <c>lr=0.001</c>
/// print the same.
/// </summary>
internal static class OptimizerPrinter
{
    public static string Print(OptimizerSpec spec)
    {
        var parts = new List<string> { spec.Kind == OptimizerKind.Sgd ? "sgd" : "adamw", "lr=" + Number(spec.LearningRate) };
        if (spec.Kind == OptimizerKind.Sgd)
        {
            parts.Add("momentum=" + Number(spec.Momentum));
            if (spec.Nesterov)
            {
                parts.Add("nesterov");
            }
        }
        else
        {
            parts.Add("betas=" + Number(spec.Beta1) + "," + Number(spec.Beta2));
            parts.Add("eps=" + Number(spec.Epsilon));
        }

        parts.Add("wd=" + Number(spec.WeightDecay));
        parts.Add("warmup=" + SchedulePrinter.Amount(spec.Warmup));
        parts.Add(spec.Decay.ToString().ToLowerInvariant());
        parts.Add("min=" + Number(spec.MinLrFraction));
        if (spec.DensityLrExponent is double exponent)
        {
            parts.Add("density-lr=" + Number(exponent));
        }

        if (spec.MomentWarmupSteps is int steps)
        {
            parts.Add("moment-warmup=" + Number(steps));
        }

        return string.Join(" ", parts);
    }

    private static string Number(double value) => SchedulePrinter.Number(value);
}
