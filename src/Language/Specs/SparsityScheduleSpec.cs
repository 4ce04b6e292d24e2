namespace SparseDsl.Language;

public enum ScheduleKind
{
    /// <summary>The mask is drawn once at initialization and never changes.</summary>
    Static,

    /// <summary>Gradual magnitude pruning (Zhu and Gupta).</summary>
    Gmp,

    /// <summary>Sparse Evolutionary Training: drop by magnitude, regrow at random.</summary>
    Set,

    /// <summary>RigL: drop by magnitude, regrow where the dense gradient is largest.</summary>
    Rigl,

    /// <summary>SMET: SET-style updates with per-weight optimizer state and warm-up.</summary>
    Smet,
}

public enum RegrowthKind
{
    Random,
    Gradient,
    Momentum,
}

public enum DropDecay
{
    Constant,
    Cosine,
}

/// <summary>
/// A parsed sparsity schedule: <c>static</c>; <c>gmp from=0 to=0.9 start=10% end=80% every=100</c>;
/// <c>set every=100 drop=0.3</c>; <c>rigl every=100 drop=0.3 cosine until=75%</c>;
/// <c>smet every=100 drop=0.2 cosine floor=0.005 warmup=100 density-lr=1</c>.
/// </summary>
/// <param name="Kind">The method: static, gmp, set, rigl or smet (the expression's first word).</param>
/// <param name="Every">Topology update (or pruning step) interval ΔT in steps (<c>every=</c>).</param>
/// <param name="Drop">Drop fraction p0: ⌊n_active · p_t⌋ weights are dropped and regrown at an update (<c>drop=</c>).</param>
/// <param name="Decay">How the drop fraction falls over training (<c>constant</c> or <c>cosine</c>).</param>
/// <param name="DropFloor">Lowest drop fraction of the cosine (<c>floor=</c>).</param>
/// <param name="Start">First update step (<c>start=</c>), as steps or a fraction of training.</param>
/// <param name="End">T_end, the last update (<c>until=</c>; gmp's <c>end=</c>).</param>
/// <param name="InitialSparsity">gmp's starting sparsity s_0 (<c>from=</c>).</param>
/// <param name="FinalSparsity">gmp's final sparsity s_f (<c>to=</c>).</param>
/// <param name="Regrowth">Regrowth criterion (<c>grow=random|gradient|momentum</c>).</param>
/// <param name="MomentWarmupSteps">
/// SMET's first-moment warm-up W in steps (<c>smet warmup=W</c>; the optimizer's <c>moment-warmup=</c>), or null
/// when the schedule does not give it (<see cref="SmetMethod.EffectiveOptimizer"/> resolves it).
/// </param>
/// <param name="DensityLrExponent">
/// SMET's density-aware learning-rate exponent (<c>smet density-lr=K</c>: lr = lr0 / d^K; the optimizer's
/// <c>density-lr=</c>), or null when the schedule does not give it.
/// </param>
public sealed record SparsityScheduleSpec(
    ScheduleKind Kind,
    int Every = 0,
    double Drop = 0,
    DropDecay Decay = DropDecay.Constant,
    double DropFloor = 0,
    StepAmount Start = default,
    StepAmount End = default,
    double InitialSparsity = 0,
    double FinalSparsity = 0,
    RegrowthKind Regrowth = RegrowthKind.Random,
    int? MomentWarmupSteps = null,
    double? DensityLrExponent = null)
{
    public static SparsityScheduleSpec Static { get; } = new(ScheduleKind.Static);
}
