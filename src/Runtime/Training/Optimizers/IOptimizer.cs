using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Updates a fixed list of <see cref="Parameter"/>s from their gradients. State (momentum, Adam moments, per-weight
/// steps) lives on each parameter (<see cref="Parameter.Slots"/>), as long as its values, so it follows density and
/// moves with a topology change.
/// </summary>
public interface IOptimizer
{
    OptimizerSpec Spec { get; }

    LearningRateSchedule Schedule { get; }

    /// <summary>The parameters updated, in the order given.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>How many times <see cref="Step"/> has run.</summary>
    int StepCount { get; }

    /// <summary>Bytes held by per-weight optimizer state (all state arrays of all parameters).</summary>
    long StateBytes { get; }

    /// <summary>
    /// Applies one update to every parameter from its <see cref="Parameter.Grad"/>, with the learning rate of the
    /// 0-based step <paramref name="step"/> (<see cref="LearningRate"/>).
    /// </summary>
    void Step(int step);

    /// <summary>The learning rate <paramref name="parameter"/> gets at <paramref name="step"/>: the schedule's, divided by
    /// <c>Density^DensityLrExponent</c> when the SMET density-aware learning rate is on.</summary>
    double LearningRate(Parameter parameter, int step);
}
