using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Shared machinery of <see cref="Sgd"/> and <see cref="AdamW"/>: the parameter list, per-parameter state arrays
/// (parallel to <see cref="Parameter.Values"/>), the learning rate per parameter, state reset and re-mapping.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    /// <summary>Arrays at least twice this long are updated in chunks of this many values across cores.</summary>
    internal const int ChunkLength = 1 << 14;

    private readonly List<Parameter> _parameters;
    private readonly Dictionary<Parameter, State> _states = new(ReferenceEqualityComparer.Instance);
    private readonly int _slotCount;
    private readonly bool _perWeightSteps;

    private protected Optimizer(OptimizerSpec spec, IEnumerable<Parameter> parameters, int totalSteps, int slotCount, bool perWeightSteps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        if (spec.DensityLrExponent is double k && (k < 0 || !double.IsFinite(k)))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), k, "DensityLrExponent must be a finite, non-negative number.");
        }

        Spec = spec;
        Schedule = new LearningRateSchedule(spec, totalSteps);
        _slotCount = slotCount;
        _perWeightSteps = perWeightSteps;
        _parameters = [.. parameters];
        foreach (Parameter parameter in _parameters)
        {
            if (!_states.TryAdd(parameter, NewState(parameter.Length)))
            {
                throw new ArgumentException($"Parameter '{parameter.Name}' is listed twice.", nameof(parameters));
            }
        }
    }

    public OptimizerSpec Spec { get; }

    public LearningRateSchedule Schedule { get; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public int StepCount { get; private set; }

    public long StateBytes
    {
        get
        {
            long perValue = (long)_slotCount * sizeof(float) + (_perWeightSteps ? sizeof(int) : 0);
            long total = 0;
            foreach (Parameter parameter in _parameters)
            {
                total += perValue * parameter.Length;
            }

            return total;
        }
    }

    /// <summary>Creates the optimizer <paramref name="spec"/> names over <paramref name="parameters"/>.</summary>
    public static IOptimizer Create(OptimizerSpec spec, IEnumerable<Parameter> parameters, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            OptimizerKind.Sgd => new Sgd(spec, parameters, totalSteps),
            OptimizerKind.AdamW => new AdamW(spec, parameters, totalSteps),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown optimizer kind."),
        };
    }

    public void Step(int step)
    {
        double lr = Schedule.At(step);
        StepCount++;
        BeginStep(StepCount);
        foreach (Parameter parameter in _parameters)
        {
            if (parameter.Length == 0)
            {
                continue;
            }

            Update(parameter, _states[parameter], lr * DensityScale(parameter));
        }
    }

    public double LearningRate(Parameter parameter, int step) => Schedule.At(step) * DensityScale(parameter);

    public void ResetState(Parameter parameter, ReadOnlySpan<int> positions)
    {
        State state = StateOf(parameter);
        foreach (int position in positions)
        {
            if ((uint)position >= (uint)parameter.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(positions), position, $"Position outside '{parameter.Name}' ({parameter.Length} values).");
            }

            foreach (float[] slot in state.Slots)
            {
                slot[position] = 0f;
            }

            if (state.Steps is not null)
            {
                state.Steps[position] = 0;
            }
        }
    }

    public void Remap(Parameter oldParameter, Parameter newParameter, int[] oldPositionOfNew)
    {
        ArgumentNullException.ThrowIfNull(newParameter);
        ArgumentNullException.ThrowIfNull(oldPositionOfNew);
        State old = StateOf(oldParameter);
        if (oldPositionOfNew.Length != newParameter.Length)
        {
            throw new ArgumentException($"The map has {oldPositionOfNew.Length} entries but '{newParameter.Name}' has {newParameter.Length} values.", nameof(oldPositionOfNew));
        }

        if (!ReferenceEquals(oldParameter, newParameter) && _states.ContainsKey(newParameter))
        {
            throw new ArgumentException($"Parameter '{newParameter.Name}' is already optimized.", nameof(newParameter));
        }

        State fresh = NewState(newParameter.Length);
        for (int i = 0; i < oldPositionOfNew.Length; i++)
        {
            int from = oldPositionOfNew[i];
            if (from == -1)
            {
                continue;
            }

            if ((uint)from >= (uint)oldParameter.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(oldPositionOfNew), from, $"Entry {i} is outside '{oldParameter.Name}' ({oldParameter.Length} values).");
            }

            for (int s = 0; s < _slotCount; s++)
            {
                fresh.Slots[s][i] = old.Slots[s][from];
            }

            if (fresh.Steps is not null)
            {
                fresh.Steps[i] = old.Steps![from];
            }
        }

        _states.Remove(oldParameter);
        _states.Add(newParameter, fresh);
        _parameters[_parameters.IndexOf(oldParameter)] = newParameter;
    }

    /// <summary>Runs before the parameters are updated in step number <paramref name="stepCount"/> (1-based).</summary>
    private protected virtual void BeginStep(int stepCount)
    {
    }

    /// <summary>Updates one parameter with learning rate <paramref name="lr"/> (schedule and density scaling applied).</summary>
    private protected abstract void Update(Parameter parameter, State state, double lr);

    private protected State StateOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return _states.TryGetValue(parameter, out State? state)
            ? state
            : throw new ArgumentException($"Parameter '{parameter.Name}' is not optimized by this optimizer.", nameof(parameter));
    }

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, length): in one call for short arrays, else in chunks across cores.</summary>
    private protected static void ForChunks(int length, Action<int, int> body)
    {
        if (length < 2 * ChunkLength || Environment.ProcessorCount == 1)
        {
            body(0, length);
            return;
        }

        int chunks = (length + ChunkLength - 1) / ChunkLength;
        Parallel.For(0, chunks, chunk =>
        {
            int start = chunk * ChunkLength;
            body(start, Math.Min(length, start + ChunkLength));
        });
    }

    private double DensityScale(Parameter parameter)
    {
        if (Spec.DensityLrExponent is not double exponent || exponent == 0 || parameter.Density >= 1.0)
        {
            return 1.0;
        }

        if (!(parameter.Density > 0))
        {
            throw new InvalidOperationException($"Parameter '{parameter.Name}' has density {parameter.Density}; the density-aware learning rate needs a density in (0, 1].");
        }

        return Math.Pow(parameter.Density, -exponent);
    }

    private State NewState(int length)
    {
        var slots = new float[_slotCount][];
        for (int s = 0; s < _slotCount; s++)
        {
            slots[s] = new float[length];
        }

        return new State(slots, _perWeightSteps ? new int[length] : null);
    }

    /// <summary>State arrays parallel to a parameter's values; <see cref="Steps"/> only with per-weight step counts.</summary>
    private protected sealed record State(float[][] Slots, int[]? Steps);
}
