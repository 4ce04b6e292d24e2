namespace SparseDsl.Language;

/// <summary>
/// SMET's whole method (SCIENCE.md §3): its schedule (<c>smet</c>) and its optimizer settings, the first-moment
/// warm-up W and the density-aware learning-rate exponent, which a user may give in the schedule
/// (<c>smet warmup=100 density-lr=1</c>) or in the optimizer (<c>adamw moment-warmup=100 density-lr=1</c>).
/// This is the one place that decides which optimizer a run trains with; ExperimentRules refuses a value given
/// in both places with different values (SPD209), so the order below never hides a contradiction.
/// </summary>
public static class SmetMethod
{
    /// <summary>SMET's first-moment warm-up when neither the schedule nor the optimizer gives one: W = 100 steps.</summary>
    public const int DefaultMomentWarmupSteps = 100;

    /// <summary>SMET's density exponent when neither the schedule nor the optimizer gives one: lr = lr0 / d.</summary>
    public const double DefaultDensityLrExponent = 1;

    /// <summary>
    /// The optimizer to train with under <paramref name="schedule"/>. For <c>smet</c>: <paramref name="optimizer"/>
    /// with <see cref="OptimizerSpec.MomentWarmupSteps"/> and <see cref="OptimizerSpec.DensityLrExponent"/> taken from
    /// the schedule, else from the optimizer, else <see cref="DefaultMomentWarmupSteps"/> and
    /// <see cref="DefaultDensityLrExponent"/>. For every other schedule, <paramref name="optimizer"/> unchanged.
    /// </summary>
    public static OptimizerSpec EffectiveOptimizer(OptimizerSpec optimizer, SparsityScheduleSpec schedule) =>
        schedule.Kind != ScheduleKind.Smet
            ? optimizer
            : optimizer with
            {
                MomentWarmupSteps = schedule.MomentWarmupSteps ?? optimizer.MomentWarmupSteps ?? DefaultMomentWarmupSteps,
                DensityLrExponent = schedule.DensityLrExponent ?? optimizer.DensityLrExponent ?? DefaultDensityLrExponent,
            };
}
