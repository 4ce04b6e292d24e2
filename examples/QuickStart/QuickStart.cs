using SparseDsl;

namespace Examples.QuickStart;

// A study that needs no download and runs in seconds: a small MLP on seeded Gaussian clusters,
// dense against 80% and 95% sparse.
[SparseModel(Sparsity = 0.8, Distribution = Distribution.Erk)]
public partial class SmallMlp
{
    [Input(32)]
    public partial Layer Features { get; }

    [Dense(256, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(256, Activation = Activation.Relu)]
    public partial Layer Hidden2 { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

[Experiment(typeof(SmallMlp), Data = "synthetic", Steps = 300, Batch = 64, EvalEvery = 100)]
[Optimizer("adamw lr=3e-3 wd=1e-4 warmup=10% cosine")]
[SparsitySchedule("static")]
[Grid("sparsity", "0, 0.8, 0.95")]
[Grid("seed", "1")]
public static partial class QuickStudy;
