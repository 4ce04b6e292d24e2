namespace SparseDsl.Training;

/// <summary>
/// An [Embedding] or [Unembedding] as its model reports it: a dense table E [vocab, width] (the head: W [vocab, width],
/// or none of its own when tied to the embedding). Embedding and head weights are counted apart from N.
/// </summary>
public sealed class TableLayer(string name, int inputs, int outputs, bool tied = false) : Layer(name, inputs, outputs)
{
    /// <summary>Whether this head shares the embedding's table (then it holds no weights of its own).</summary>
    public bool Tied { get; } = tied;

    public override long DenseWeights => Tied ? 0 : base.DenseWeights;

    public override string ToString() => Tied ? $"{Name} ({Inputs}->{Outputs}, tied)" : base.ToString();
}

/// <summary>A [TransformerBlock] with Count blocks, as its model reports it: the sums over every block's matrices.</summary>
public sealed class BlockStack(string name, int width, IReadOnlyList<Linear> matrices) : Layer(name, width, width)
{
    /// <summary>Every block's Q, K, V, O, Up, (Gate,) Down, block by block.</summary>
    public IReadOnlyList<Linear> Matrices { get; } = matrices;

    public override long DenseWeights => Matrices.Sum(m => m.DenseWeights);

    public override long ActiveWeights => Matrices.Sum(m => m.ActiveWeights);
}
