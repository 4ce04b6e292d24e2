namespace SparseDsl.Training;

/// <summary>
/// A generated language model: token ids [sequences, context] in, the mean next-token cross-entropy out. Activations
/// inside are feature-major <c>x[width, tokens]</c> with token <c>n = b·T + t</c> (sequence b, position t).
/// </summary>
public interface ITokenNetwork : INetwork
{
    /// <summary>Vocabulary size V: ids and targets are in [0, V).</summary>
    int Vocab { get; }

    /// <summary>Tokens per sequence T.</summary>
    int Context { get; }

    /// <summary>Model width D.</summary>
    int Width { get; }

    /// <summary>Embedding and head weights (the token table, learned positions, an untied head), counted apart from N as the seed paper does.</summary>
    long EmbeddingParameters { get; }

    /// <summary>
    /// One training step's passes: forward over <paramref name="sequences"/> × T tokens (<paramref name="ids"/> and
    /// <paramref name="targets"/> row-major [sequences, T]), the loss, and backward, overwriting every
    /// <see cref="Parameter.Grad"/>. Returns the loss averaged over the tokens, in nats.
    /// </summary>
    double ForwardBackward(int[] ids, int[] targets, int sequences);

    /// <summary>The forward pass only: the mean loss over the tokens and how many targets were the arg-max prediction.</summary>
    (double Loss, long Correct) Evaluate(int[] ids, int[] targets, int sequences);
}
