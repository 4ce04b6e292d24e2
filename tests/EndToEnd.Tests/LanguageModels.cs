using SparseDsl;

namespace SparseDsl.EndToEnd.Tests;

// A language model generated at build time like a user's: 2 rotary SwiGLU blocks, RMS norm, half the MLP sparse.
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform, Target = "mlp")]
public partial class CheckLm
{
    [Embedding(vocab: 256, dim: 32, Context = 16), KeepDense]
    public partial Layer Tokens { get; }

    [TransformerBlock(heads: 4, MlpRatio = 2, Count = 2, Mlp = "swiglu", Norm = "rmsnorm", Positions = "rotary")]
    public partial Layer Blocks { get; }

    [LayerNorm]
    public partial Layer Final { get; }

    [Unembedding(TiedTo = nameof(Tokens)), KeepDense]
    public partial Layer Head { get; }
}

// Its sizes: the generator prints the block shapes for each width a 'width' axis names.
[Experiment(typeof(CheckLm), Data = "brown", Steps = 10, Batch = 4)]
[Grid("width", "32, 48")]
[Grid("blocks", "1, 3")]
public static partial class CheckLmSizes;
