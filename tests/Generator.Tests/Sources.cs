namespace SparseDsl.Generator.Tests;

/// <summary>Declarations the generator tests run on.</summary>
internal static class Sources
{
    public const string SetMlp = """
        using SparseDsl;

        namespace Examples.Set;

        [SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]
        public partial class SetMlp
        {
            [Input(784)] public partial Layer Pixels { get; }
            [Dense(1000, Activation = Activation.Relu)] public partial Layer Hidden1 { get; }
            [Dense(1000, Activation = Activation.Relu), Sparse("unstructured", 0.95)] public partial Layer Hidden2 { get; }
            [Dense(10), KeepDense] public partial Layer Output { get; }
        }

        [Experiment(typeof(SetMlp), Data = "fashion-mnist", Steps = 6000, Batch = 128, EvalEvery = 500)]
        [Optimizer("adamw lr=1e-3 wd=1e-4 warmup=5% cosine")]
        [SparsitySchedule("static")]
        [Grid("sparsity", "0, 0.5, 0.9, 0.95, 0.98")]
        [Grid("seed", "1..2")]
        public static partial class SetStudy;
        """;

    public const string Tiny = """
        using SparseDsl;

        namespace Tests.Tiny;

        [SparseModel(Sparsity = 0.5)]
        public partial class TinyMlp
        {
            [Input(6)] public partial Layer Features { get; }
            [Dense(5, Activation = Activation.Tanh)] public partial Layer Hidden { get; }
            [Dense(3), KeepDense] public partial Layer Logits { get; }
        }
        """;
}
