namespace SparseDsl.Training;

/// <summary>
/// What every generated network has, whatever it computes: its layers and its trainable arrays. Dynamic sparsity,
/// checkpoints and the optimizer see a network through this; <see cref="ISparseNetwork"/> (features to classes) and
/// <see cref="ITokenNetwork"/> (tokens to next-token logits) add their forward and backward passes.
/// </summary>
public interface INetwork
{
    /// <summary>The layers as declared, in order (the properties of the model class return them).</summary>
    IReadOnlyList<Layer> Layers { get; }

    /// <summary>Every trainable array, in a stable order.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// The weight matrices a sparsity target reaches, each a <see cref="Linear"/> with its own format: N (active and
    /// dense) is counted over these, and dynamic sparsity and checkpoints act on them. An MLP's are its [Dense] layers.
    /// </summary>
    IReadOnlyList<Linear> Matrices => Layers.OfType<Linear>().ToArray();
}
