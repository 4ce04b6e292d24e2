using SparseDsl;

namespace Examples.DataScarcity;

// The seed study at laptop scale (SCIENCE.md §1): byte-level language models on the Brown corpus at several densities,
// trained on a fixed budget of unique tokens U repeated for several epochs. Does the sparse model saturate later under
// repetition? Embeddings and the tied head stay dense; the blocks' q, k, v, o and MLP matrices take the sparsity.
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class TinyLm
{
    [Embedding(vocab: 256, dim: 64, Context = 64), KeepDense]
    public partial Layer Tokens { get; }

    [TransformerBlock(heads: 4, MlpRatio = 4, Count = 2)]
    public partial Layer Blocks { get; }

    [LayerNorm]
    public partial Layer Final { get; }

    [Unembedding(TiedTo = nameof(Tokens)), KeepDense]
    public partial Layer Head { get; }
}

// Steps follow from U × epochs / (batch × context). `dotnet run -c Release --project examples/DataScarcity -- run`.
[Experiment(typeof(TinyLm), Data = "brown", Steps = 1000, Batch = 16, EvalEvery = 100)]
[Optimizer("adamw lr=3e-3 wd=0.1 warmup=5% cosine")]
[SparsitySchedule("static")]
[Grid("sparsity", "0, 0.5, 0.75, 0.875")]
[Grid("unique_tokens", "131072, 524288")]
[Grid("epochs", "1, 4")]
public static partial class DataScarcityQuick;
