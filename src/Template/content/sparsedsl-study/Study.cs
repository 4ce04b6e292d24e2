using SparseDsl;

namespace SparseDslStudy;

// A small MLP on seeded Gaussian clusters (no download; it trains in seconds), at 80% and 95% sparsity with SET
// (every 50 steps the 30% smallest weights of each layer are dropped and as many regrown at random).
//   dotnet run -c Release -- run                  train every grid point into results.db
//   dotnet run -c Release -- report --plot plots  the results, and the loss around each topology update (PNG, SVG)
// The attributes' strings are SparseDsl's expression language: hover over an attribute for its forms, and the
// build reports every mistake in them (SPDnnn) at the argument.
[SparseModel(Sparsity = 0.8, Distribution = Distribution.Erk)]
public partial class Mlp
{
    [Input(32)]
    public partial Layer Features { get; }

    [Dense(128, Activation = Activation.Relu)]
    public partial Layer Hidden { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

[Experiment(typeof(Mlp), Data = "synthetic", Steps = 200, Batch = 64, EvalEvery = 100)]
[Optimizer("adamw lr=3e-3 wd=1e-4 warmup=10% cosine")]
[SparsitySchedule("set every=50 drop=0.3")]
[Grid("sparsity", "0.8, 0.95")]
[Grid("seed", "1")]
public static partial class Study;
