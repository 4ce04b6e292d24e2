using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>What varies between runs of one model: the model-level sparsity target, its distribution, the seed.</summary>
public sealed record NetworkOptions(double Sparsity, Distribution Distribution, int Seed)
{
    /// <summary>The model as declared in its [SparseModel] attribute, seed 1.</summary>
    public static NetworkOptions Declared(ModelSpec spec) => new(spec.Sparsity, spec.Distribution, 1);
}
