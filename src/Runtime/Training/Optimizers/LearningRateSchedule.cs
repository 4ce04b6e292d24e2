using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// The learning rate at each optimizer step: linear warm-up from 0, then constant, cosine or linear decay to
/// <c>MinLrFraction·lr</c>. Follows Hugging Face transformers' <c>LambdaLR</c> schedules
/// (<c>get_constant_schedule_with_warmup</c>, <c>get_cosine_with_min_lr_schedule_with_warmup</c> with
/// <c>num_cycles = 0.5</c>, <c>get_linear_schedule_with_warmup</c> with a floor): step <c>t</c> is 0-based, the
/// first update uses <c>t = 0</c>, and the floor is reached at <c>t = TotalSteps</c>.
/// </summary>
/// <remarks>
/// With W warm-up steps and T total steps:
/// <code>
/// t &lt; W:  factor = t / W
/// t ≥ W:  p = min(1, (t − W) / max(1, T − W))
///         constant: factor = 1
///         cosine:   factor = min + (1 − min) · ½ (1 + cos(π p))
///         linear:   factor = min + (1 − min) · (1 − p)
/// lr(t) = lr · factor
/// </code>
/// </remarks>
public sealed class LearningRateSchedule
{
    public LearningRateSchedule(OptimizerSpec spec, int totalSteps)
        : this(spec.LearningRate, spec.Warmup.Resolve(totalSteps), totalSteps, spec.Decay, spec.MinLrFraction)
    {
    }

    public LearningRateSchedule(double learningRate, int warmupSteps, int totalSteps, LrDecay decay, double minLrFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        if (minLrFraction is < 0 or > 1 || double.IsNaN(minLrFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(minLrFraction), minLrFraction, "The minimum learning-rate fraction must lie in [0, 1].");
        }

        BaseLearningRate = learningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        Decay = decay;
        MinLrFraction = minLrFraction;
    }

    /// <summary>The peak learning rate <c>lr</c>.</summary>
    public double BaseLearningRate { get; }

    /// <summary>W: the number of warm-up steps (0 = none).</summary>
    public int WarmupSteps { get; }

    /// <summary>T: the step at which the decay reaches its floor.</summary>
    public int TotalSteps { get; }

    public LrDecay Decay { get; }

    /// <summary>The floor as a fraction of <see cref="BaseLearningRate"/> (cosine and linear decay only).</summary>
    public double MinLrFraction { get; }

    /// <summary>lr(t) / lr for the 0-based step <paramref name="step"/>; steps past T stay at the floor.</summary>
    public double Factor(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
        {
            return step / (double)WarmupSteps;
        }

        if (Decay == LrDecay.Constant)
        {
            return 1.0;
        }

        double progress = Math.Min(1.0, (step - WarmupSteps) / (double)Math.Max(1, TotalSteps - WarmupSteps));
        double shape = Decay == LrDecay.Cosine
            ? 0.5 * (1.0 + Math.Cos(Math.PI * progress))
            : 1.0 - progress;
        return MinLrFraction + (1.0 - MinLrFraction) * shape;
    }

    /// <summary>The learning rate for the 0-based step <paramref name="step"/>.</summary>
    public double At(int step) => BaseLearningRate * Factor(step);
}
