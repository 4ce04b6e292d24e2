namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// A valid model and experiment for the rule tests to break one piece at a time: each test writes its own
/// variant of one attribute and marks where the diagnostic must appear.
/// </summary>
internal static class Declarations
{
    public const string Model = """
        [SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]
        public partial class Mlp
        {
            [Input(784)] public partial Layer Pixels { get; }
            [Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1 { get; }
            [Dense(256, Activation = Activation.Relu), Sparse("unstructured", 0.95)] public partial Layer Hidden2 { get; }
            [Dense(10), KeepDense] public partial Layer Output { get; }
        }
        """;

    /// <summary>
    /// A valid language model (the README's TinyLm) for the token-model rules to break one piece at a time: replace a
    /// piece of an attribute with <see cref="WithLanguageModel"/>.
    /// </summary>
    public const string LanguageModel = """
        [SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
        public partial class TinyLm
        {
            [Embedding(vocab: 256, dim: 128, Context = 128), KeepDense] public partial Layer Tokens { get; }
            [TransformerBlock(heads: 4, MlpRatio = 4, Count = 4)] public partial Layer Blocks { get; }
            [LayerNorm] public partial Layer Final { get; }
            [Unembedding(TiedTo = nameof(Tokens)), KeepDense] public partial Layer Head { get; }
        }
        """;

    /// <summary>A file with <see cref="LanguageModel"/>, <paramref name="written"/> replaced by <paramref name="instead"/> (which must occur).</summary>
    public static string WithLanguageModel(string written, string instead)
    {
        Assert.Contains(written, LanguageModel);
        return File(LanguageModel.Replace(written, instead));
    }

    /// <summary>The language model and an experiment on it whose attributes are <paramref name="experimentAttributes"/>.</summary>
    public static string WithLanguageModelExperiment(string experimentAttributes) =>
        File(LanguageModel + "\n\n" + experimentAttributes + "\npublic static partial class Study;");

    /// <summary>A file with <paramref name="body"/> after the usings and the namespace.</summary>
    public static string File(string body) => "using SparseDsl;\n\nnamespace Tests;\n\n" + body + "\n";

    /// <summary>The valid model and an experiment on it whose attributes are <paramref name="experimentAttributes"/>.</summary>
    public static string WithExperiment(string experimentAttributes) =>
        File(Model + "\n\n" + experimentAttributes + "\npublic static partial class Study;");

    public const string ValidExperiment = """
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Optimizer("adamw lr=1e-3 wd=1e-4")]
        [SparsitySchedule("static")]
        [Grid("sparsity", "0, 0.5, 0.9")]
        [Grid("seed", "1..2")]
        """;

    /// <summary>An experiment with the standard training length and only a [SparsitySchedule(<paramref name="schedule"/>)] (the argument as written).</summary>
    public static string WithSchedule(string schedule) => WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Optimizer("adamw lr=1e-3")]
        [SparsitySchedule({{schedule}})]
        """);

    /// <summary>An experiment with only an [Optimizer(<paramref name="optimizer"/>)] (the argument as written).</summary>
    public static string WithOptimizer(string optimizer) => WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Optimizer({{optimizer}})]
        """);

    /// <summary>An experiment whose [Grid] attributes are <paramref name="grid"/> (whole attribute lines).</summary>
    public static string WithGridLines(string grid) => WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        {{grid}}
        """);

    /// <summary>The valid model (Hidden2 is 256 x 256) with Hidden2's [Sparse] arguments written as <paramref name="arguments"/>.</summary>
    public static string WithHidden2Sparse(string arguments) =>
        File(Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(" + arguments + ")"));

    /// <summary>The valid model with Hidden2's pattern argument written as <paramref name="pattern"/> and sparsity 0.95.</summary>
    public static string WithHidden2Pattern(string pattern) => WithHidden2Sparse(pattern + ", 0.95");
}
