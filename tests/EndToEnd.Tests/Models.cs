using SparseDsl;

namespace SparseDsl.EndToEnd.Tests;

// Small models the end-to-end tests train and check; generated at build time like a user's.

[SparseModel(Sparsity = 0.6, Distribution = Distribution.Uniform)]
public partial class CheckMlp
{
    [Input(19)]
    public partial Layer Features { get; }

    [Dense(23, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(17, Activation = Activation.Tanh), Sparse("unstructured", 0.7)]
    public partial Layer Hidden2 { get; }

    [Dense(5, Activation = Activation.Sigmoid)]
    public partial Layer Hidden3 { get; }

    [Dense(4), KeepDense]
    public partial Layer Logits { get; }
}

[SparseModel(Sparsity = 0.95, Distribution = Distribution.Erk)]
public partial class WideMlp
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

/// <summary>Trained on both backends from the same seed: one unstructured-sparse (CSR at the model's 0.5) layer, one dense.</summary>
[SparseModel(Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class DeviceMlp
{
    [Input(8)]
    public partial Layer Features { get; }

    [Dense(16, Activation = Activation.Relu)]
    public partial Layer Hidden { get; }

    [Dense(4), KeepDense]
    public partial Layer Logits { get; }
}

/// <summary>One layer per structured pattern: whole 8×8 tiles, 2 of every 4 inputs, whole rows (synthetic data: 32 → 4).</summary>
[SparseModel]
public partial class PatternMlp
{
    [Input(32)]
    public partial Layer Features { get; }

    [Dense(64, Activation = Activation.Relu), Sparse("block 8x8", 0.75)]
    public partial Layer Tiles { get; }

    [Dense(48, Activation = Activation.Relu), Sparse("2:4")]
    public partial Layer Groups { get; }

    [Dense(32, Activation = Activation.Relu), Sparse("rows", 0.5)]
    public partial Layer Units { get; }

    [Dense(4), KeepDense]
    public partial Layer Logits { get; }
}

/// <summary>
/// A 32 → 24 → 4 MLP whose hidden layer follows the model-level target, so its pattern is the run's: the grid below gives
/// it 4×4 and 2×8 tiles and rows (1 × 32), and the generator prints a block-CSR kernel set for each.
/// </summary>
[SparseModel(Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class GridBlockMlp
{
    [Input(32)]
    public partial Layer Features { get; }

    [Dense(24, Activation = Activation.Relu)]
    public partial Layer Hidden { get; }

    [Dense(4), KeepDense]
    public partial Layer Logits { get; }
}

/// <summary>The 'pattern' axis that tells the generator which tiles <see cref="GridBlockMlp"/>'s hidden layer can take.</summary>
[Experiment(typeof(GridBlockMlp), Data = "synthetic", Steps = 30, Batch = 16)]
[Grid("pattern", "unstructured, block 4x4, block 2x8, rows")]
public static partial class GridBlockStudy;

/// <summary>
/// A dynamic schedule with per-weight ages on <see cref="DeviceMlp"/>, for the worker-process test that kills a device
/// run: this test assembly's own generated program trains it with <c>--backend ilgpu-cpu</c>.
/// </summary>
[Experiment(typeof(DeviceMlp), Data = "synthetic", Steps = 1500, Batch = 16, EvalEvery = 100)]
[Optimizer("adamw lr=1e-2 wd=1e-4 moment-warmup=10")]
[SparsitySchedule("rigl every=50 drop=0.3")]
public static partial class DeviceResumeStudy;

/// <summary>
/// The same kill-and-resume test on the CPU kernels with a dynamic schedule: RigL with per-weight ages on
/// <see cref="WideMlp"/>, long enough (a few seconds) to be killed mid-run.
/// </summary>
[Experiment(typeof(WideMlp), Data = "synthetic", Steps = 6000, Batch = 32, EvalEvery = 600)]
[Optimizer("adamw lr=1e-3 wd=1e-4 moment-warmup=10")]
[SparsitySchedule("rigl every=100 drop=0.3")]
public static partial class CpuResumeStudy;
