using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Per-layer densities and seeds for one run: the model-level target spread by the distribution
/// (SparseDsl.Language's <see cref="LayerDensities"/>), and a seed per (run, layer) so masks and weights
/// are reproducible and layers independent.
/// </summary>
public sealed class NetworkPlan
{
    private readonly ModelSpec spec;
    private readonly DensityPlan densities;
    private readonly int seed;

    private NetworkPlan(ModelSpec spec, DensityPlan densities, int seed)
    {
        this.spec = spec;
        this.densities = densities;
        this.seed = seed;
    }

    public static NetworkPlan Solve(ModelSpec spec, NetworkOptions options)
    {
        var densities = LayerDensities.Compute(spec, options.Sparsity, options.Distribution);
        if (!densities.Success)
        {
            throw new ArgumentException($"{spec.Name} at sparsity {options.Sparsity} ({options.Distribution}): {densities.Failure}", nameof(options));
        }

        return new NetworkPlan(spec, densities, options.Seed);
    }

    /// <summary>Density of the weight layer declared at <paramref name="layerIndex"/>.</summary>
    public double Density(int layerIndex) =>
        densities.DensityOf(spec.Layers[layerIndex].Name)
        ?? throw new ArgumentOutOfRangeException(nameof(layerIndex), layerIndex, $"{spec.Layers[layerIndex].Name} has no weights");

    /// <summary>A seed for the layer's mask and initial weights, mixed from the run seed and the layer index.</summary>
    public int Seed(int layerIndex)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)layerIndex + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
