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

    /// <summary>A language model's width (a grid's 'width' axis), or null for the declared one.</summary>
    public int? Width { get; init; }

    /// <summary>A language model's block count (a grid's 'blocks' axis), or null for the declared one.</summary>
    public int? Blocks { get; init; }

    /// <summary>
    /// <paramref name="spec"/> at this run's <see cref="Width"/> and <see cref="Blocks"/> (the [Embedding]'s dim and the
    /// [TransformerBlock]'s Count replaced); the spec itself when neither is set.
    /// </summary>
    public ModelSpec Resize(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if ((Width is null && Blocks is null) || !spec.IsTokenModel || spec.Layers.Count < 2 || spec.Layers[1].Block is not { } block)
        {
            return spec;
        }

        var layers = spec.Layers.ToArray();
        layers[0] = layers[0] with { Units = Width ?? layers[0].Units };
        layers[1] = layers[1] with { Block = block with { Count = Blocks ?? block.Count } };
        return spec with { Layers = layers.ToEquatableArray() };
    }
}
