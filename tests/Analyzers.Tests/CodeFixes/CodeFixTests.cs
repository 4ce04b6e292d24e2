using SparseDsl.CodeFixes;

namespace SparseDsl.Analyzers.Tests.CodeFixes;

public sealed class CodeFixTests
{
    [Fact]
    public void ModelNotPartial_FixAddsPartialAfterTheModifiers()
    {
        string source = Declarations.File(Declarations.Model.Replace("public partial class Mlp", "public sealed class Mlp"));

        string fixedSource = CodeFixHarness.Apply(new MakeTypePartialCodeFix(), source, "SPD001");

        Assert.Equal(source.Replace("public sealed class Mlp", "public sealed partial class Mlp"), fixedSource);
        Assert.Empty(AnalyzerHarness.Analyze(fixedSource));
    }

    [Fact]
    public void ClassWithoutModifiers_FixKeepsItsIndentation()
    {
        string source = Declarations.File("namespace Inner\n{\n    [SparseModel]\n    class Tiny\n    {\n        [Input(4)] public partial Layer Features { get; }\n        [Dense(2)] public partial Layer Output { get; }\n    }\n}");

        string fixedSource = CodeFixHarness.Apply(new MakeTypePartialCodeFix(), source, "SPD001");

        Assert.Contains("    [SparseModel]\n    partial class Tiny\n", fixedSource);
        Assert.Empty(AnalyzerHarness.Analyze(fixedSource));
    }

    [Fact]
    public void ExperimentNotPartial_FixMakesItStaticPartial()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment).Replace("public static partial class Study;", "public static class Study { }");

        string fixedSource = CodeFixHarness.Apply(new MakeTypePartialCodeFix(), source, "SPD001");

        Assert.Contains("public static partial class Study { }", fixedSource);
        Assert.Empty(AnalyzerHarness.Analyze(fixedSource));
    }

    [Fact]
    public void RepeatedAxis_FixRemovesTheSecondGridAttribute()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment + "[Grid(\"seed\", \"3..4\")]\n");

        string fixedSource = CodeFixHarness.Apply(new RemoveRepeatedGridAxisCodeFix(), source, "SPD303");

        Assert.Equal(Declarations.WithExperiment(Declarations.ValidExperiment), fixedSource);
    }

    [Fact]
    public void RepeatedAxisInASharedList_FixRemovesOnlyThatAttribute()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment.Replace("[Grid(\"seed\", \"1..2\")]", "[Grid(\"seed\", \"1..2\"), Grid(\"seed\", \"5\")]"));

        string fixedSource = CodeFixHarness.Apply(new RemoveRepeatedGridAxisCodeFix(), source, "SPD303");

        Assert.Contains("[Grid(\"seed\", \"1..2\")]", fixedSource);
        Assert.DoesNotContain("\"5\"", fixedSource);
        Assert.Empty(AnalyzerHarness.Analyze(fixedSource));
    }

    [Fact]
    public void BlockNotDividingTheLayer_FixSnapsToTheNearestDivisors()
    {
        // Hidden2 is 256 x 256: 24 rows snap to 16 (16 and 32 are equally near; the smaller wins), 16 columns stay.
        string source = Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"block 24x16 0.9\")"));

        string fixedSource = CodeFixHarness.Apply(new ApplySuggestionCodeFix(), source, "SPD103");

        Assert.Contains("Sparse(\"block 16x16 0.9\")", fixedSource);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(fixedSource), d => d.Id == "SPD103");
    }

    [Fact]
    public void BlockSizeFromAConstant_NoFixThatWouldWriteBareText()
    {
        string source = Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(Patterns.Block, 0.9)")
            + "\n\npublic static class Patterns\n{\n    public const string Block = \"block 24x16\";\n}");

        Assert.Empty(CodeFixHarness.Actions(new ApplySuggestionCodeFix(), source, "SPD103", out _));
    }
}
