using SparseDsl;

namespace Examples.Rs2;

// RS2 (repeated sampling of random subsets, SCIENCE.md) on Fashion-MNIST: at an equal time budget (the same steps of
// the same batch), does training on a fresh random 10 % or 30 % of the training set per round reach a given test
// accuracy sooner than full passes? The SET MLP at 90 % sparsity, static mask.
[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]
public partial class Rs2Mlp
{
    [Input(784)]
    public partial Layer Pixels { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden2 { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

// 938 steps of 128: two full passes over the 60,000 training images, or 20 RS2 rounds of 6,000 (r=0.1), or about
// 6.7 rounds of 18,000 (r=0.3). Evaluated every 94 steps so `report --target-accuracy 0.85` can find the first
// evaluation at the target. `dotnet run -c Release --project examples/Rs2Study -- run`, then
// `-- report --target-accuracy 0.85`.
[Experiment(typeof(Rs2Mlp), Data = "fashion-mnist", Steps = 938, Batch = 128, EvalEvery = 94)]
[Optimizer("adamw lr=1e-3 wd=1e-4")]
[SparsitySchedule("static")]
[Grid("sampling", "full, 'rs2 r=0.1', 'rs2 r=0.3'")]
[Grid("seed", "1..3")]
public static partial class Rs2Study;
