using SparseDsl.Kernels;
using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Shared machinery of <see cref="Sgd"/> and <see cref="AdamW"/>: the parameter list, their state slots (allocated on
/// each <see cref="Parameter"/>, which owns them), the learning rate per parameter with SMET's density scaling.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    /// <summary>Arrays at least twice this long are updated in chunks of this many values across cores.</summary>
    internal const int ChunkLength = 1 << 14;

    private readonly List<Parameter> _parameters;
    private readonly HashSet<Parameter> _members = new(ReferenceEqualityComparer.Instance);
    private readonly int _slotCount;
    private protected Optimizer(OptimizerSpec spec, IEnumerable<Parameter> parameters, int totalSteps, int slotCount, int? ageLimit)
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
        _parameters = [.. parameters];
        foreach (Parameter parameter in _parameters)
        {
            if (!_members.Add(parameter))
            {
                throw new ArgumentException($"Parameter '{parameter.Name}' is listed twice.", nameof(parameters));
            }

            // The state lives on the parameter (its one owner), so a topology change moves it with the values.
            parameter.AllocateState(slotCount, ageLimit);
        }
    }

    public OptimizerSpec Spec { get; }

    public LearningRateSchedule Schedule { get; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public int StepCount { get; private set; }

    /// <summary>Bytes of state of every parameter as they are now (it follows each parameter's current length).</summary>
    public long StateBytes => _parameters.Sum(p => p.StateBytes);

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

            Update(parameter, lr * DensityScale(parameter));
        }
    }

    public double LearningRate(Parameter parameter, int step) => Schedule.At(step) * DensityScale(parameter);

    /// <summary>Sets the shared step count from a checkpoint: the next <see cref="Step"/> is number <paramref name="count"/> + 1.</summary>
    internal void RestoreStepCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        StepCount = count;
    }

    /// <summary>Runs before the parameters are updated in step number <paramref name="stepCount"/> (1-based).</summary>
    private protected virtual void BeginStep(int stepCount)
    {
    }

    /// <summary>Updates one parameter with learning rate <paramref name="lr"/> (schedule and density scaling applied).</summary>
    private protected abstract void Update(Parameter parameter, double lr);

    /// <summary><paramref name="parameter"/>, checked to be one this optimizer trains.</summary>
    private protected Parameter Member(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return _members.Contains(parameter)
            ? parameter
            : throw new ArgumentException($"Parameter '{parameter.Name}' is not optimized by this optimizer.", nameof(parameter));
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, length): in one call for short arrays, else in equal chunks of at
    /// most <see cref="ChunkLength"/> values, a multiple of the core count of them. Chunks of exactly ChunkLength left a
    /// short last one: a 95 %-sparse layer's 42,000 values went as 16,384 + 16,384 + 9,232 over two cores, one core
    /// doing two chunks while the other waited.
    /// </summary>
    private protected static void ForChunks(int length, Action<int, int> body)
    {
        if (length < 2 * ChunkLength || Workers.Count == 1)
        {
            body(0, length);
            return;
        }

        int perCore = (length + (Workers.Count * ChunkLength) - 1) / (Workers.Count * ChunkLength);
        Workers.ForRange(length, perCore * Workers.Count, body);
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
}
