namespace SparseDsl.ScalingLaws;

/// <summary>One run's fit: observed and predicted loss, log residual log L̂ − log L, and whether it was held out.</summary>
public sealed record FitResidual(int Index, string? Id, double Loss, double Predicted, double LogResidual, bool HeldOut);

/// <summary>A bootstrap percentile interval for one constant.</summary>
public sealed record ParameterInterval(string Name, double Lower, double Upper);

/// <summary>
/// A direction in the fitted constants along which the objective barely changes: moving one unit along it
/// (log units for log-fitted constants) raises the objective by <see cref="ObjectiveIncrease"/> (a fraction).
/// </summary>
public sealed record FlatDirection(IReadOnlyDictionary<string, double> Components, double ObjectiveIncrease, string Description);

/// <summary>What one stage of a staged fit did.</summary>
public sealed record StageResult(string Name, int Runs, IReadOnlyList<string> Free, double Objective, int Starts, string? Note);

/// <summary>The outcome of <see cref="ScalingLawFitter.Fit"/>.</summary>
public sealed class FitResult
{
    public required ScalingLaw Law { get; init; }

    public required ScalingParameters Parameters { get; init; }

    /// <summary>Σ Huber_δ(log L̂ − log L) over the fitted (not held-out) runs.</summary>
    public required double Objective { get; init; }

    /// <summary>R² of L̂ against L on the fitted runs.</summary>
    public required double R2 { get; init; }

    /// <summary>Fitted runs.</summary>
    public required int N { get; init; }

    /// <summary>R² on the held-out runs (null without --holdout or with fewer than two held-out runs).</summary>
    public double? HoldoutR2 { get; init; }

    public int HoldoutN { get; init; }

    public required double HuberDelta { get; init; }

    public required bool TiedExponents { get; init; }

    /// <summary>Constants the fit moved (not frozen, not tied).</summary>
    public required IReadOnlyList<string> FreeParameters { get; init; }

    /// <summary>Constants held at given values.</summary>
    public required IReadOnlyDictionary<string, double> Frozen { get; init; }

    /// <summary>Every run, fitted and held-out, in input order.</summary>
    public required IReadOnlyList<FitResidual> Residuals { get; init; }

    public required IReadOnlyList<StageResult> Stages { get; init; }

    /// <summary>Bootstrap intervals for the free constants (null without --bootstrap).</summary>
    public IReadOnlyList<ParameterInterval>? Intervals { get; init; }

    /// <summary>Constants refitted on each bootstrap resample (empty without --bootstrap).</summary>
    public IReadOnlyList<ScalingParameters> BootstrapSamples { get; init; } = [];

    public double IntervalLevel { get; init; } = 0.95;

    public IReadOnlyList<FlatDirection> FlatDirections { get; init; } = [];

    /// <summary>Things the user should know (stages merged or skipped, failed resamples).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// A bootstrap percentile interval for any quantity computed from the constants (a prediction, an
    /// optimal density); null without bootstrap samples.
    /// </summary>
    public (double Lower, double Upper)? IntervalOf(Func<ScalingParameters, double> quantity)
    {
        if (BootstrapSamples.Count == 0)
        {
            return null;
        }

        double[] values = BootstrapSamples.Select(quantity).Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (values.Length == 0)
        {
            return null;
        }

        double tail = (1.0 - IntervalLevel) / 2.0;
        return (Quantile(values, tail), Quantile(values, 1.0 - tail));
    }

    internal static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
    }
}
