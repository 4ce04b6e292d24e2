using SparseDsl;

namespace Examples.Dst;

// Dynamic sparse training on the SET paper's data: the Fashion-MNIST MLP 784-1000-1000-1000-10 trained with a mask
// drawn once (static), pruned gradually (GMP), or moved during training (SET, RigL, SMET), at 90/95/98 % sparsity.
[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]
public partial class DstMlp
{
    [Input(784)]
    public partial Layer Pixels { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden2 { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden3 { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

// Five epochs (469 steps of 128 each). gmp's to= follows each point's sparsity; smet brings its own warm-up and
// density-aware learning rate. `dotnet run -- DstStudy run`
[Experiment(typeof(DstMlp), Data = "fashion-mnist", Steps = 2345, Batch = 128, EvalEvery = 469)]
[Optimizer("adamw lr=1e-3 wd=1e-4")]
[Grid("schedule", "static, gmp from=0 to=0.9 start=10% end=80% every=100, set every=100 drop=0.3, rigl every=100 drop=0.3 cosine until=75%, smet every=100")]
[Grid("sparsity", "0.9, 0.95, 0.98")]
[Grid("seed", "1..3")]
public static partial class DstStudy;

// The dense network on the same data and seeds. `dotnet run -- DenseBaseline run`
[Experiment(typeof(DstMlp), Data = "fashion-mnist", Steps = 2345, Batch = 128, EvalEvery = 469)]
[Optimizer("adamw lr=1e-3 wd=1e-4")]
[Grid("sparsity", "0")]
[Grid("seed", "1..3")]
public static partial class DenseBaseline;

// The loss spikes after topology updates: RigL with plain AdamW against SMET's whole method, with and without its
// warm-up (warmup=1 scales nothing), two epochs at 90 %. `dotnet run -- SpikeStudy run`, then `report --plot DIR`.
[Experiment(typeof(DstMlp), Data = "fashion-mnist", Steps = 938, Batch = 128, EvalEvery = 469)]
[Optimizer("adamw lr=1e-3 wd=1e-4")]
[Grid("schedule", "rigl every=100 drop=0.3 cosine until=75%, set every=100 drop=0.3, smet every=100, smet every=100 warmup=1")]
[Grid("sparsity", "0.9")]
[Grid("seed", "1..3")]
public static partial class SpikeStudy;

// BLaST's pattern in the same MLP: whole 16×16 tiles against single weights at 90 % and 95 %, and 2:4 against
// unstructured at its fixed 50 %. The hidden layers are 1024 wide so 16 divides them. `dotnet run -- BlockStudy run`
[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Uniform)]
public partial class BlockMlp
{
    [Input(784)]
    public partial Layer Pixels { get; }

    [Dense(1024, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(1024, Activation = Activation.Relu)]
    public partial Layer Hidden2 { get; }

    [Dense(1024, Activation = Activation.Relu)]
    public partial Layer Hidden3 { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

[Experiment(typeof(BlockMlp), Data = "fashion-mnist", Steps = 2345, Batch = 128, EvalEvery = 469)]
[Optimizer("adamw lr=1e-3 wd=1e-4")]
[SparsitySchedule("set every=100 drop=0.3")]
[Grid("pattern", "unstructured, block 16x16")]
[Grid("sparsity", "0.9, 0.95")]
[Grid("seed", "1..3")]
public static partial class BlockStudy;

[Experiment(typeof(BlockMlp), Data = "fashion-mnist", Steps = 2345, Batch = 128, EvalEvery = 469)]
[Optimizer("adamw lr=1e-3 wd=1e-4")]
[SparsitySchedule("set every=100 drop=0.3")]
[Grid("pattern", "unstructured, 2:4")]
[Grid("sparsity", "0.5")]
[Grid("seed", "1..3")]
public static partial class NmStudy;
