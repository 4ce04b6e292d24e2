namespace SparseDsl.ScalingLaws;

/// <summary>How to fit a law. Every field has a default that reproduces the seed recipe.</summary>
public sealed record FitOptions
{
    /// <summary>Constants held at given values (by parameter name); they are not fitted and get no interval.</summary>
    public IReadOnlyDictionary<string, double> Frozen { get; init; } = new Dictionary<string, double>();

    /// <summary>Tie β to α (null: the law's default — tied for data-constrained, free for Chinchilla).</summary>
    public bool? TieExponents { get; init; }

    /// <summary>Fit in the law's stages (true, the seed recipe) or all free constants at once (false).</summary>
    public bool Staged { get; init; } = true;

    /// <summary>Runs matching this predicate are left out of the fit and scored as held-out.</summary>
    public HoldoutPredicate? Holdout { get; init; }

    /// <summary>Huber δ on log-loss residuals.</summary>
    public double HuberDelta { get; init; } = 1e-3;

    /// <summary>Most starting points per stage taken from the grid (the published/previous values are always tried too).</summary>
    public int MaxStarts { get; init; } = 64;

    /// <summary>Bootstrap resamples over runs (0: no intervals).</summary>
    public int Bootstrap { get; init; }

    /// <summary>Central coverage of bootstrap intervals.</summary>
    public double IntervalLevel { get; init; } = 0.95;

    /// <summary>Seed for the start-grid subsample and the bootstrap.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>L-BFGS iterations per start.</summary>
    public int MaxIterations { get; init; } = 400;

    /// <summary>
    /// A direction counts as flat when moving one unit along it (a factor e for log-fitted constants)
    /// raises the objective by less than this fraction.
    /// </summary>
    public double FlatTolerance { get; init; } = 0.02;

    /// <summary>Most parallel starts (defaults to the processor count).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
