using SparseDsl;

namespace Examples.Set;

// The SET paper's MLP on Fashion-MNIST: how much accuracy survives as the hidden layers get sparser?
// Hidden2 is fixed at 95% sparsity; Hidden1 follows the grid's model-level target (ERK keeps a single
// sparsifiable layer at the target itself); the output stays dense.
[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]
public partial class SetMlp
{
    [Input(784)]
    public partial Layer Pixels { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(1000, Activation = Activation.Relu), Sparse("unstructured", 0.95)]
    public partial Layer Hidden2 { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

[Experiment(typeof(SetMlp), Data = "fashion-mnist", Steps = 6000, Batch = 128, EvalEvery = 500)]
[Optimizer("adamw lr=1e-3 wd=1e-4 warmup=5% cosine")]
[SparsitySchedule("static")]
[Grid("sparsity", "0, 0.5, 0.9, 0.95, 0.98")]
[Grid("seed", "1..2")]
public static partial class SetStudy;
