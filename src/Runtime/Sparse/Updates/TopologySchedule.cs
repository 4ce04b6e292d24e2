using SparseDsl.Language;

namespace SparseDsl.Sparse;

/// <summary>
/// A sparsity schedule as a pure function of the step (SCIENCE.md §3): whether a topology update follows a step, the
/// drop fraction there (constant, or RigL's cosine p/2·(1 + cos(π·progress)), lifted to SMET's floor), and gradual
/// magnitude pruning's cubic sparsity s_t = s_f + (s_0 − s_f)·(1 − progress)³. Steps are counted as completed
/// training steps t = 1 … total; start and end resolve against the run's total.
/// </summary>
public sealed class TopologySchedule
{
    public TopologySchedule(SparsityScheduleSpec spec, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        Spec = spec;
        Start = spec.Start.Resolve(totalSteps);
        End = spec.End.Resolve(totalSteps);
        if (spec.Kind != ScheduleKind.Static && (spec.Every <= 0 || End <= Start))
        {
            throw new ArgumentException($"schedule '{spec.Kind}' needs every > 0 and an end after its start (every={spec.Every}, start step {Start}, end step {End})", nameof(spec));
        }

        Grow = spec.Kind switch
        {
            ScheduleKind.Static or ScheduleKind.Gmp => GrowCriterion.None,
            _ => spec.Regrowth switch
            {
                RegrowthKind.Random => GrowCriterion.Random,
                RegrowthKind.Gradient => GrowCriterion.Gradient,
                _ => throw new NotSupportedException("grow=momentum needs each inactive weight's momentum, which a sparse layer does not keep; use grow=random or grow=gradient"),
            },
        };
    }

    public SparsityScheduleSpec Spec { get; }

    /// <summary>First step (completed steps) of the update window.</summary>
    public int Start { get; }

    /// <summary>Last step of the window: no drop-and-grow update at or after it; GMP reaches its target here.</summary>
    public int End { get; }

    /// <summary>Where regrown units go; <see cref="GrowCriterion.None"/> for static and GMP.</summary>
    public GrowCriterion Grow { get; }

    public bool IsPruning => Spec.Kind == ScheduleKind.Gmp;

    /// <summary>Whether the mask is updated after completed step <paramref name="step"/>.</summary>
    public bool UpdatesAfter(int step) => Spec.Kind switch
    {
        ScheduleKind.Static => false,
        // Pruning steps every ΔT from the start, and always at the end, so the target is met exactly there.
        ScheduleKind.Gmp => step > Start && step <= End && ((step - Start) % Spec.Every == 0 || step == End),
        _ => step > Start && step < End && (step - Start) % Spec.Every == 0,
    };

    /// <summary>The fraction of active units dropped (and regrown) at <paramref name="step"/>.</summary>
    public double DropFraction(int step)
    {
        if (Spec.Decay == DropDecay.Constant)
        {
            return Spec.Drop;
        }

        double progress = Progress(step);
        return Spec.DropFloor + (Spec.Drop - Spec.DropFloor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>GMP's sparsity at <paramref name="step"/> for a layer pruned from <paramref name="initial"/> to <paramref name="final"/>.</summary>
    public double PrunedSparsity(double initial, double final, int step)
    {
        double remaining = 1 - Progress(step);
        return final + (initial - final) * remaining * remaining * remaining;
    }

    private double Progress(int step) => Math.Clamp((step - Start) / (double)(End - Start), 0, 1);
}
