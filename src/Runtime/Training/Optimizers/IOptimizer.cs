using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Updates a fixed list of <see cref="Parameter"/>s from their gradients. State (momentum, Adam moments, per-weight
/// steps) lives in arrays as long as each parameter's <see cref="Parameter.Values"/>, so it follows density.
/// </summary>
public interface IOptimizer
{
    OptimizerSpec Spec { get; }

    LearningRateSchedule Schedule { get; }

    /// <summary>The parameters updated, in the order given (a <see cref="Remap"/> replaces one in place).</summary>
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

    /// <summary>Zeroes every state slot (and the per-weight step) of the given value positions, e.g. regrown weights.</summary>
    void ResetState(Parameter parameter, ReadOnlySpan<int> positions);

    /// <summary>
    /// Replaces <paramref name="oldParameter"/> by <paramref name="newParameter"/> (same place in <see cref="Parameters"/>)
    /// after its value array was rebuilt: position <c>i</c> of the new array takes the state of old position
    /// <c>oldPositionOfNew[i]</c>, or fresh zero state when that is -1 (a new weight).
    /// </summary>
    void Remap(Parameter oldParameter, Parameter newParameter, int[] oldPositionOfNew);
}
