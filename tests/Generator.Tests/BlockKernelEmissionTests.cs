using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparseDsl.Generator.Tests;

/// <summary>
/// Which block-CSR kernels a model gets: one set per tile its layers can take, from a layer's own [Sparse] block or rows
/// pattern, or, for the layers that follow the model-level target, from the 'pattern' grid axes of the experiments
/// naming the model; and an experiment edit that leaves those patterns alone leaves the network cached.
/// </summary>
public sealed class BlockKernelEmissionTests
{
    private const string Network = "Examples.Set.SetMlp.Network.g.cs";

    /// <summary>SetMlp with two experiments whose 'pattern' axes share a tile (it is printed once).</summary>
    private static readonly string WithPatternAxis = Sources.SetMlp.Replace(
        "[Grid(\"seed\", \"1..2\")]", "[Grid(\"seed\", \"1..2\")]\n[Grid(\"pattern\", \"unstructured, block 8x8, rows\")]") + """

        [Experiment(typeof(SetMlp), Data = "fashion-mnist", Steps = 100, Batch = 128)]
        [Grid("pattern", "block 8x8")]
        public static partial class TileStudy;
        """;

    [Fact]
    public void PatternGridAxis_PrintsOneKernelSetPerTileOfTheLayersThatFollowTheTarget()
    {
        var outcome = GeneratorHarness.Run(WithPatternAxis, OutputKind.ConsoleApplication);

        Assert.True(outcome.GeneratorDiagnostics.Count == 0 && outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        string network = outcome.Files[Network];
        // Hidden1 follows the target: its CSR kernels for 'unstructured', and the grid's tiles once each, 784 wide for rows.
        Assert.Contains("public static void Hidden1SparseForward(", network);
        Assert.Single(Occurrences(network, "public static void Hidden1Block8x8Forward("));
        Assert.Contains("public static void Hidden1RowsInputGradient(", network);
        Assert.Contains("new(1, 784, GpuKernels.Hidden1RowsForward, GpuKernels.Hidden1RowsWeightGradient, GpuKernels.Hidden1RowsInputGradient),", network);
        Assert.Contains("new(8, 8, GpuKernels.Hidden1Block8x8Forward, GpuKernels.Hidden1Block8x8WeightGradient, GpuKernels.Hidden1Block8x8InputGradient),", network);
        // Hidden2 has its own unstructured [Sparse] and Output is [KeepDense]: the grid's pattern changes neither.
        Assert.DoesNotContain("Hidden2Block", network);
        Assert.DoesNotContain("Hidden2Rows", network);
        Assert.DoesNotContain("OutputBlock", network);
        Assert.DoesNotContain("OutputRows", network);
    }

    [Fact]
    public void OwnBlockPattern_PrintsItsTileAndNoCsrKernels()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"block 4x8\", 0.9)"), OutputKind.ConsoleApplication);

        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        string network = outcome.Files[Network];
        Assert.Contains("// Hidden2Block4x8 (block-CSR, 4×8 tiles, 1000 → 1000): y[o,b] = relu(", network);
        Assert.Contains("int tileRow = o / 4;", network);
        Assert.Contains("new(4, 8, GpuKernels.Hidden2Block4x8Forward,", network);
        Assert.DoesNotContain("Hidden2SparseForward", network);
        Assert.Contains("Hidden2DenseForward", network);
    }

    [Fact]
    public void ExperimentEditOutsideThePatternAxis_DoesNotRegenerateTheNetwork()
    {
        var result = RunTwice(WithPatternAxis, WithPatternAxis.Replace("Steps = 6000", "Steps = 5000"));

        var outputs = result.TrackedSteps[TrackingNames.NetworkTarget].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"the network was {o.Reason} after an edit of the experiment's steps"));
    }

    [Fact]
    public void PatternGridValueAdded_RegeneratesTheNetworkWithTheNewTile()
    {
        var result = RunTwice(WithPatternAxis, WithPatternAxis.Replace("block 8x8, rows", "block 8x8, block 2x4, rows"));

        var outputs = result.TrackedSteps[TrackingNames.NetworkTarget].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Hidden1Block2x4Forward", result.GeneratedSources.Single(s => s.HintName == Network).SourceText.ToString());
    }

    private static GeneratorRunResult RunTwice(string first, string second)
    {
        var compilation = GeneratorHarness.Compile(first, OutputKind.ConsoleApplication);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = CSharpSyntaxTree.ParseText(second, GeneratorHarness.ParseOptions, path: tree.FilePath);
        return driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results[0];
    }

    private static IEnumerable<int> Occurrences(string text, string part)
    {
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            yield return at;
        }
    }
}
