using SparseDsl;

namespace Examples.DataScarcity;

// The seed study at laptop scale (SCIENCE.md §1): byte-level language models on the Brown corpus at densities 1, 0.5,
// 0.25 and 0.125, each trained on a fixed budget of U unique tokens repeated for several epochs, at three model sizes.
// Do sparse models saturate later under repetition? Is the loss-optimal density at fixed data moderate? The blocks'
// q, k, v, o and MLP matrices take the sparsity; the embedding and the tied head stay dense (as in the seed's code).
//
// One command runs a preset, fits the sparse data-constrained law from its store and writes the report:
//   examples/DataScarcity/run-study.sh quick     (under 15 minutes on 2 cores)
//   examples/DataScarcity/run-study.sh full      (under an hour on one core: the grid of sizes, densities, budgets and epochs)

/// <summary>The quick preset's model: context 64, two blocks; its width is the grid's 'width'.</summary>
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class QuickLm
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

/// <summary>The full preset's model: the TinyLm (context 128, four blocks); its width is the grid's 'width'.</summary>
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class TinyLm
{
    [Embedding(vocab: 256, dim: 128, Context = 128), KeepDense]
    public partial Layer Tokens { get; }

    [TransformerBlock(heads: 4, MlpRatio = 4, Count = 4)]
    public partial Layer Blocks { get; }

    [LayerNorm]
    public partial Layer Final { get; }

    [Unembedding(TiedTo = nameof(Tokens)), KeepDense]
    public partial Layer Head { get; }
}

// Steps follow from U × epochs / (batch × context): a run on U = 65,536 tokens for 64 epochs is 4,096 steps of 16 × 64.
// 3 sizes × 4 densities × 3 budgets × 3 epoch counts = 108 runs, about 74 M tokens: the small budgets repeated 64 times
// are where the models start to overfit, the regime the seed study is about.
[Experiment(typeof(QuickLm), Data = "brown", Steps = 1000, Batch = 16, EvalEvery = 100)]
[Optimizer("adamw lr=3e-3 wd=0.1 warmup=5% cosine")]
[SparsitySchedule("static")]
[Grid("width", "32, 48, 64")]
[Grid("sparsity", "0, 0.5, 0.75, 0.875")]
[Grid("unique_tokens", "4096, 16384, 65536")]
[Grid("epochs", "1, 8, 64")]
public static partial class Quick;

// The grid at a size one machine runs in under an hour on one core: 3 sizes × 4 densities × 3 budgets × 5
// epoch counts = 180 runs, 32 M tokens (--workers 2 halves the time). Four blocks and context 128 make these models
// 3 to 10 times the quick preset's; the budgets are the quick preset's, repeated 1 to 16 times. docs/language-models.md
// shows its results.
[Experiment(typeof(TinyLm), Data = "brown", Steps = 1000, Batch = 16, EvalEvery = 200)]
[Optimizer("adamw lr=2e-3 wd=0.1 warmup=5% cosine")]
[SparsitySchedule("static")]
[Grid("width", "64, 96, 128")]
[Grid("sparsity", "0, 0.5, 0.75, 0.875")]
[Grid("unique_tokens", "4096, 16384, 65536")]
[Grid("epochs", "1, 2, 4, 8, 16")]
public static partial class Full;
