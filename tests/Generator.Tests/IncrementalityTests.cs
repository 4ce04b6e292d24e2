using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparseDsl.Generator.Tests;

public sealed class IncrementalityTests
{
    [Fact]
    public void UnrelatedEdit_DoesNotRegenerate()
    {
        var compilation = GeneratorHarness.Compile(Sources.SetMlp);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int x; }", GeneratorHarness.ParseOptions, path: "Other.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];

        foreach (string step in new[] { TrackingNames.ModelTarget, TrackingNames.ExperimentTarget })
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step} was {o.Reason} after an unrelated edit"));
        }
    }

    [Fact]
    public void AddedComment_DoesNotRegenerateTheModel()
    {
        var compilation = GeneratorHarness.Compile(Sources.SetMlp);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var commented = tree.WithChangedText(tree.GetText().Replace(0, 0, "// a comment that shifts every line\n"));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, commented)).GetRunResult().Results[0];

        var outputs = result.TrackedSteps[TrackingNames.ModelTarget].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"the model was {o.Reason} after a comment moved every line"));
    }

    [Fact]
    public void SparsityChange_Regenerates()
    {
        var compilation = GeneratorHarness.Compile(Sources.SetMlp);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        string changed = Sources.SetMlp.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured\", 0.8)");
        var newTree = CSharpSyntaxTree.ParseText(changed, GeneratorHarness.ParseOptions, path: tree.FilePath);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, newTree)).GetRunResult().Results[0];

        var outputs = result.TrackedSteps[TrackingNames.ModelTarget].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("0.8", result.GeneratedSources.Single(s => s.HintName.EndsWith("SetMlp.Network.g.cs", StringComparison.Ordinal)).SourceText.ToString());
    }
}
