using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// What one run plans for one weight layer: the density it is built at, the density it must have at the end of
/// training (the same except under gradual pruning), its pattern, and the seed of its mask and initial weights.
/// </summary>
public sealed record LayerPlan(double Density, double TargetDensity, SparsityPatternSpec Pattern, int Seed);

/// <summary>
/// Per-layer plans for one run: the model-level target spread by the distribution (SparseDsl.Language's
/// <see cref="LayerDensities"/>), the pattern of each layer, and a seed per (run, layer) so masks and weights are
/// reproducible and layers independent.
/// </summary>
public sealed class NetworkPlan
{
    private readonly ModelSpec spec;
    private readonly NetworkOptions options;
    private readonly DensityPlan target;
    private readonly DensityPlan initial;

    private NetworkPlan(ModelSpec spec, NetworkOptions options, DensityPlan target, DensityPlan initial)
    {
        this.spec = spec;
        this.options = options;
        this.target = target;
        this.initial = initial;
    }

    public static NetworkPlan Solve(ModelSpec spec, NetworkOptions options)
    {
        var target = Densities(spec, options.Sparsity, options);
        // Gradual pruning builds each layer at the schedule's initial sparsity (never sparser than its target).
        var initial = options.Schedule is { Kind: ScheduleKind.Gmp } gmp
            ? Densities(spec, Math.Min(gmp.InitialSparsity, options.Sparsity), options)
            : target;
        return new NetworkPlan(spec, options, target, initial);
    }

    /// <summary>The plan of the weight layer declared at <paramref name="layerIndex"/>.</summary>
    public LayerPlan Layer(int layerIndex)
    {
        var layer = spec.Layers[layerIndex];
        double final = target.DensityOf(layer.Name)
            ?? throw new ArgumentOutOfRangeException(nameof(layerIndex), layerIndex, $"{layer.Name} has no weights");
        // Under gradual pruning a layer with its own [Sparse] starts at the schedule's initial sparsity too.
        double initialDensity = layer.HasOwnSparsity && options.Schedule is { Kind: ScheduleKind.Gmp } gmp
            ? 1 - gmp.InitialSparsity
            : initial.DensityOf(layer.Name) ?? final;
        double start = Math.Max(final, initialDensity);
        var pattern = layer.Pattern ?? (layer.KeepDense ? null : options.Pattern) ?? SparsityPatternSpec.Unstructured;
        if (pattern.FixedDensity is double fixedDensity)
        {
            // N:M fixes the density (N per group of M) whatever the target; pruning cannot move it.
            return new LayerPlan(fixedDensity, fixedDensity, pattern, Seed(layerIndex));
        }

        return new LayerPlan(start, final, pattern, Seed(layerIndex));
    }

    /// <summary>
    /// The plan of the weight matrix <paramref name="name"/> of <see cref="ModelMatrices"/> (a transformer's
    /// <c>Blocks.0.Q</c>, or a [Dense] layer's name): the same rules as <see cref="Layer"/>, seeded by the matrix's place.
    /// </summary>
    public LayerPlan Matrix(string name)
    {
        matrices ??= ModelMatrices.Of(spec);
        int index = -1;
        for (int i = 0; i < matrices.Count; i++)
        {
            if (matrices[i].Name == name)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(name), name, $"{spec.Name} has no weight matrix of that name");
        }

        WeightMatrix matrix = matrices[index];
        double final = target.DensityOf(name) ?? 1.0;
        double initialDensity = matrix.Pattern is not null && matrix.Sparsity is not null && options.Schedule is { Kind: ScheduleKind.Gmp } gmp
            ? 1 - gmp.InitialSparsity
            : initial.DensityOf(name) ?? final;
        var pattern = matrix.Pattern ?? (matrix.KeepDense ? null : options.Pattern) ?? SparsityPatternSpec.Unstructured;
        int seed = SeedMix.Of(options.Seed, MatrixSalt + index);
        return pattern.FixedDensity is double fixedDensity && !matrix.KeepDense
            ? new LayerPlan(fixedDensity, fixedDensity, pattern, seed)
            : new LayerPlan(Math.Max(final, initialDensity), final, matrix.KeepDense ? SparsityPatternSpec.Unstructured : pattern, seed);
    }

    /// <summary>A seed for a dense parameter of the model that is not a weight matrix (an embedding table), by its place.</summary>
    public int ParameterSeed(int place) => SeedMix.Of(options.Seed, ParameterSalt + place);

    // Salts apart from the MLP layers' (layer index + 1), so matrices and embeddings draw independent streams.
    private const long MatrixSalt = 1L << 20;
    private const long ParameterSalt = 1L << 21;

    private IReadOnlyList<WeightMatrix>? matrices;

    /// <summary>A seed for the layer's mask and initial weights, mixed from the run seed and the layer index.</summary>
    public int Seed(int layerIndex) => SeedMix.Of(options.Seed, layerIndex + 1);

    private static DensityPlan Densities(ModelSpec spec, double sparsity, NetworkOptions options)
    {
        var densities = LayerDensities.Compute(spec, sparsity, options.Distribution);
        if (!densities.Success)
        {
            throw new ArgumentException($"{spec.Name} at sparsity {sparsity} ({options.Distribution}): {densities.Failure}", nameof(options));
        }

        return densities;
    }
}

/// <summary>SplitMix64 finalizer over (seed, salt): independent seeds for layers and for each (layer, step) of mask updates.</summary>
internal static class SeedMix
{
    public static int Of(int seed, long salt)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)salt);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
