namespace SparseDsl.Training;

/// <summary>
/// What every generated network has, whatever it computes: its layers and its trainable arrays. Dynamic sparsity,
/// checkpoints and the optimizer see a network through this; <see cref="ISparseNetwork"/> (features to classes) and
/// <see cref="ITokenNetwork"/> (tokens to next-token logits) add their forward and backward passes.
/// </summary>
public interface INetwork
{
    /// <summary>The layers in order; the sparse matrices are <see cref="Linear"/> layers among them.</summary>
    IReadOnlyList<Layer> Layers { get; }

    /// <summary>Every trainable array, in a stable order.</summary>
    IReadOnlyList<Parameter> Parameters { get; }
}
