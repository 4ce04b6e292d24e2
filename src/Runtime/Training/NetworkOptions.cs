using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// What varies between runs of one model: the model-level sparsity target, its distribution, the seed, and optionally
/// the pattern of the layers that follow the model-level target (a grid's <c>pattern</c> axis) and the sparsity
/// schedule (gradual pruning starts its layers at the schedule's initial sparsity).
/// </summary>
public sealed record NetworkOptions(
    double Sparsity,
    Distribution Distribution,
    int Seed,
    SparsityPatternSpec? Pattern = null,
    SparsityScheduleSpec? Schedule = null)
{
    /// <summary>The model as declared in its [SparseModel] attribute, seed 1.</summary>
    public static NetworkOptions Declared(ModelSpec spec) => new(spec.Sparsity, spec.Distribution, 1);
}
