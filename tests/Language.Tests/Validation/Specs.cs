namespace SparseDsl.Language.Tests.Validation;

using System.Collections.Generic;
using System.Linq;
using SparseDsl.Language;

/// <summary>Small spec builders for rule tests.</summary>
internal static class Specs
{
    public static LayerSpec Input(int size, string name = "Pixels") => new(name, LayerKind.Input, size, Activation.None, false, null, null);

    public static LayerSpec Dense(string name, int units, SparsityPatternSpec? pattern = null, double? sparsity = null, bool keepDense = false) =>
        new(name, LayerKind.Dense, units, Activation.Relu, keepDense, pattern, sparsity);

    public static ModelSpec Model(params LayerSpec[] layers) => Model(0, Distribution.Uniform, layers);

    public static ModelSpec Model(double sparsity, Distribution distribution, params LayerSpec[] layers) =>
        new("Examples", "Mlp", Loss.SoftmaxCrossEntropy, sparsity, distribution, layers.ToEquatableArray());

    /// <summary>784-1000-1000-1000-10, the SET paper's MLP, output kept dense.</summary>
    public static ModelSpec SetMlp(double sparsity = 0.9, Distribution distribution = Distribution.Erk) => Model(
        sparsity,
        distribution,
        Input(784),
        Dense("Hidden1", 1000),
        Dense("Hidden2", 1000),
        Dense("Hidden3", 1000),
        Dense("Output", 10, keepDense: true));

    /// <summary>An [Embedding(vocab, dim, Context = context)], [KeepDense] as the README writes it.</summary>
    public static LayerSpec Embedding(int vocab = 256, int dim = 128, int context = 128, string name = "Tokens") =>
        new(name, LayerKind.Embedding, dim, Activation.None, true, null, null) { Embedding = new EmbeddingSpec(vocab, context) };

    /// <summary>A [TransformerBlock(heads, MlpRatio, Count, Mlp, Norm, Positions)] without [Sparse].</summary>
    public static LayerSpec Blocks(
        int heads = 4,
        int mlpRatio = 4,
        int count = 4,
        string mlp = BlockSpec.Gelu,
        string norm = BlockSpec.LayerNormKind,
        string positions = BlockSpec.Learned,
        string name = "Blocks") =>
        new(name, LayerKind.TransformerBlock, 0, Activation.None, false, null, null)
        {
            Block = new BlockSpec(heads, mlpRatio, count, mlp, norm, positions),
        };

    public static LayerSpec Norm(string name = "Final") => new(name, LayerKind.LayerNorm, 0, Activation.None, false, null, null);

    /// <summary>An [Unembedding(TiedTo = tiedTo)], [KeepDense].</summary>
    public static LayerSpec Head(string? tiedTo = "Tokens", string name = "Head") =>
        new(name, LayerKind.Unembedding, 0, Activation.None, true, null, null) { TiedTo = tiedTo };

    /// <summary><paramref name="layer"/> with a [Sparse(<paramref name="text"/>, Target = <paramref name="target"/>)] as the parser reads it.</summary>
    public static LayerSpec WithSparse(this LayerSpec layer, string text, string? target = null)
    {
        ParseResult<SparseSpec> parsed = Expressions.ParseSparse(text);
        return layer with
        {
            Pattern = parsed.Value?.Pattern,
            Sparsity = parsed.Value?.Sparsity,
            PatternText = text,
            SparseTarget = target,
        };
    }

    /// <summary>The README's TinyLm (NextToken, sparsity 0.5, uniform) with <paramref name="layers"/>, or its four layers when none are given.</summary>
    public static ModelSpec LanguageModel(params LayerSpec[] layers) => LanguageModel(0.5, Distribution.Uniform, layers);

    public static ModelSpec LanguageModel(double sparsity, Distribution distribution, params LayerSpec[] layers) =>
        new("Examples", "TinyLm", Loss.NextToken, sparsity, distribution,
            (layers.Length == 0 ? new[] { Embedding(), Blocks(), Norm(), Head() } : layers).ToEquatableArray());

    public static ExperimentSpec Experiment(
        string optimizer = "adamw lr=1e-3",
        string schedule = "static",
        string data = "fashion-mnist",
        int steps = 1000,
        int batch = 128,
        int evalEvery = 100,
        params (string Name, string Values)[] grid) =>
        new("Examples", "Study", "Examples.Mlp", data, steps, batch, evalEvery, optimizer, schedule,
            grid.Select(g => new GridAxisText(g.Name, g.Values)).ToEquatableArray());

    public static IEnumerable<string> Ids(this IEnumerable<Violation> violations) => violations.Select(v => v.Rule.Id);

    public static Violation Single(this IReadOnlyList<Violation> violations, string id)
    {
        Violation[] matching = violations.Where(v => v.Rule.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id}, got: {string.Join(" | ", violations)}");
        return matching[0];
    }

    public static void Clean(this IReadOnlyList<Violation> violations) =>
        Assert.True(violations.Count == 0, "expected no violations, got: " + string.Join(" | ", violations));
}
