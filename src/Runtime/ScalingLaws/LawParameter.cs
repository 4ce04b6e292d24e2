namespace SparseDsl.ScalingLaws;

/// <summary>How the fitter moves a parameter: directly, or through its logarithm (keeps it positive).</summary>
public enum ParameterTransform
{
    /// <summary>The optimizer moves the value itself.</summary>
    None,

    /// <summary>The optimizer moves log(value); the value stays positive.</summary>
    Log,
}

/// <summary>One constant of a law: its name on the command line and in JSON, the published value, and the
/// starting values the fitter's grid tries.</summary>
public sealed record LawParameter(
    string Name,
    string Description,
    double Published,
    ParameterTransform Transform,
    IReadOnlyList<double> StartGrid);

/// <summary>The data a law needs about one run, resolved from a <see cref="ScalingObservation"/>.</summary>
/// <param name="ActiveParams">N, active parameters (raw × density).</param>
/// <param name="Tokens">D, tokens trained on.</param>
/// <param name="UniqueTokens">U, unique tokens (capped at D: a run cannot see more unique tokens than tokens).</param>
/// <param name="Density">d ∈ (0, 1].</param>
public readonly record struct LawPoint(double ActiveParams, double Tokens, double UniqueTokens, double Density)
{
    public static LawPoint From(ScalingObservation o) =>
        new(o.ResolvedActiveParams, o.Tokens, Math.Min(o.UniqueTokens, o.Tokens), o.ResolvedDensity);

    /// <summary>R_D = D/U − 1 ≥ 0, repetitions beyond the first epoch.</summary>
    public double Repetitions => Math.Max(Tokens / UniqueTokens - 1.0, 0.0);

    /// <summary>Whether this run saw each unique token at most once (up to rounding).</summary>
    public bool IsSingleEpoch => Tokens <= UniqueTokens * (1.0 + 1e-9);

    /// <summary>Whether this run is dense (d = 1 up to rounding).</summary>
    public bool IsDense => Density >= 1.0 - 1e-12;
}
