using SparseDsl;

namespace SlurmSmoke;

// scripts/slurm-smoke submits this study as a Slurm job array of 3 tasks: 6 points of a small MLP on seeded synthetic
// data, each a few seconds to tens of seconds long, so that one task can be killed while it trains.
[SparseModel(Sparsity = 0.8, Distribution = Distribution.Erk)]
public partial class SmokeMlp
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

[Experiment(typeof(SmokeMlp), Data = "synthetic", Steps = 40000, Batch = 64, EvalEvery = 10000)]
[Optimizer("adamw lr=3e-3 wd=1e-4 warmup=10% cosine")]
[SparsitySchedule("static")]
[Grid("sparsity", "0, 0.8, 0.95")]
[Grid("seed", "1, 2")]
public static partial class SlurmSmokeStudy;
