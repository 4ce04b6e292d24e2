using SparseDsl.Sparse;

namespace SparseDsl.Training;

/// <summary>
/// One parameter's part of a <see cref="TrainingCheckpoint"/>: its stored values (for a sparse weight only the active
/// ones), the optimizer's state slots, SMET's per-weight ages (with their limit) when kept, and, for a weight, its
/// active units (the topology <see cref="WeightFormats.Create(UnitLayout, ReadOnlySpan{int}, float[])"/> rebuilds the format from).
/// </summary>
public sealed record ParameterState(string Name, float[] Values, float[][] Slots, int[]? Ages, int AgeLimit, int[]? ActiveUnits);

/// <summary>
/// Everything training needs to go on bit for bit after <see cref="Step"/> completed steps: every parameter's values,
/// optimizer slots and ages, every weight's topology, the optimizer's shared step, the running train figures since the
/// last evaluation and the data-order position. The other random sources are pure functions of (seed, epoch) for the
/// batch order and of (layer seed, step) for mask updates, so the seed and the step restore them.
/// </summary>
public sealed record TrainingCheckpoint(
    int Step,
    long Seed,
    int OptimizerSteps,
    double TrainLossSum,
    long TrainHits,
    long SeenSinceEval,
    int DataEpoch,
    int DataOffset,
    IReadOnlyList<ParameterState> Parameters)
{
    /// <summary>Takes the state of <paramref name="network"/> and <paramref name="optimizer"/> after <paramref name="loop"/>'s step.</summary>
    internal static TrainingCheckpoint Capture(INetwork network, IOptimizer optimizer, TrainingLoop.Position loop, long seed) =>
        Capture(network, optimizer.StepCount, loop, seed);

    /// <summary>
    /// Takes the state of <paramref name="network"/>'s parameters (values, slots, ages, topology) after <paramref name="loop"/>'s
    /// step, with the optimizer's shared step count given apart: a device optimizer keeps its own and its state is
    /// downloaded into these parameters first.
    /// </summary>
    internal static TrainingCheckpoint Capture(INetwork network, int optimizerSteps, TrainingLoop.Position loop, long seed)
    {
        var weights = WeightsByParameter(network);
        var states = new List<ParameterState>();
        foreach (Parameter parameter in network.Parameters)
        {
            int[]? units = weights.TryGetValue(parameter, out SparseWeight? weight) ? weight.Format.ActiveUnits() : null;
            states.Add(new ParameterState(
                parameter.Name,
                (float[])parameter.Values.Clone(),
                [.. parameter.Slots.Select(s => (float[])s.Clone())],
                parameter.Ages?.ToArray(),
                parameter.Ages?.Limit ?? 0,
                units is null ? null : (int[])units.Clone()));
        }

        return new TrainingCheckpoint(loop.Step, seed, optimizerSteps, loop.LossSum, loop.Hits, loop.SeenSinceEval, loop.Epoch, loop.Offset, states);
    }

    /// <summary>
    /// Puts this state into <paramref name="network"/> (built from the same config) and <paramref name="optimizer"/>
    /// (created over its parameters): topology, values, slots, ages and the optimizer's step.
    /// </summary>
    internal void Restore(INetwork network, IOptimizer optimizer, long seed) =>
        Restore(network, ((Optimizer)optimizer).RestoreStepCount, seed);

    /// <summary>
    /// Puts this state into <paramref name="network"/>'s parameters (each already holding optimizer state of the right
    /// shape) and hands the optimizer's step to <paramref name="restoreOptimizerSteps"/> (a device optimizer's own counter).
    /// </summary>
    internal void Restore(INetwork network, Action<int> restoreOptimizerSteps, long seed)
    {
        if (seed != Seed)
        {
            throw new InvalidDataException($"the checkpoint was taken with seed {Seed}, not {seed}");
        }

        var parameters = network.Parameters;
        if (parameters.Count != Parameters.Count)
        {
            throw new InvalidDataException($"the checkpoint holds {Parameters.Count} parameters; the network has {parameters.Count}");
        }

        var weights = WeightsByParameter(network);
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter parameter = parameters[i];
            ParameterState state = Parameters[i];
            if (state.Name != parameter.Name || state.Slots.Length != parameter.Slots.Count || (state.Ages is null) != (parameter.Ages is null))
            {
                throw new InvalidDataException($"checkpoint parameter {i} is '{state.Name}' with {state.Slots.Length} slots; the network's is '{parameter.Name}' with {parameter.Slots.Count}");
            }

            WeightAges? ages = state.Ages is null ? null : WeightAges.From(state.Ages, state.AgeLimit);
            if (weights.TryGetValue(parameter, out SparseWeight? weight))
            {
                weight.Restore(state.ActiveUnits ?? throw new InvalidDataException($"checkpoint weight '{state.Name}' has no topology"), state.Values, state.Slots, ages);
            }
            else
            {
                parameter.Restore(state.Values, state.Slots, ages);
            }
        }

        restoreOptimizerSteps(OptimizerSteps);
    }

    private static Dictionary<Parameter, SparseWeight> WeightsByParameter(INetwork network) =>
        network.Matrices.ToDictionary(l => l.Weight.Parameter, l => l.Weight); // Parameter compares by reference
}
