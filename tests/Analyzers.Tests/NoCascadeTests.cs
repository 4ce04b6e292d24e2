using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparseDsl.Generator;
using SparseDsl.Testing;

namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// A declaration with errors gets no generated code, and what the user sees is the SPD diagnostic alone: no
/// follow-on compiler errors from half-generated code, in a library or in the experiment program.
/// </summary>
public sealed class NoCascadeTests
{
    private static void AssertOnlySparseDsl(IReadOnlyList<Diagnostic> diagnostics, params string[] ids)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.All(d => d.Id.StartsWith("SPD", StringComparison.Ordinal)), "follow-on errors:\n" + string.Join("\n", errors));
        Assert.Equal(ids, errors.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(OutputKind.ConsoleApplication)]
    [InlineData(OutputKind.DynamicallyLinkedLibrary)]
    public void ModelWithError_AndAValidExperimentOnIt_OnlySPD101(OutputKind kind)
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment).Replace("Sparsity = 0.9,", "Sparsity = 1.5,");
        AssertOnlySparseDsl(AnalyzerHarness.Build(source, kind), "SPD101");
    }

    [Fact]
    public void ExperimentWithError_OnlySPD207()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment.Replace("adamw lr=1e-3", "adamw lr=="));
        AssertOnlySparseDsl(AnalyzerHarness.Build(source), "SPD207");
    }

    [Fact]
    public void LayerErrorsInSeveralPlaces_OnlyTheirDiagnostics()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment.Replace("Steps = 1000", "Steps = 0"))
            .Replace("[Dense(256, Activation = Activation.Relu)]", "[Dense(-3, Activation = Activation.Relu)]");
        AssertOnlySparseDsl(AnalyzerHarness.Build(source), "SPD004", "SPD306");
    }

    [Fact]
    public void ModelNotPartial_GetsNoGeneratedHalf()
    {
        string source = Declarations.File("[SparseModel]\npublic class Tiny\n{\n    [Input(4)] public Layer Features => default!;\n    [Dense(2)] public Layer Output => default!;\n}");
        var diagnostics = AnalyzerHarness.Build(source, OutputKind.DynamicallyLinkedLibrary);

        Assert.DoesNotContain(diagnostics, d => d.Id == "CS0260");
        Assert.Contains(diagnostics, d => d.Id == "SPD001");
    }

    [Fact]
    public void ValidStudy_BuildsWithNoDiagnostics()
    {
        var diagnostics = AnalyzerHarness.Build(Declarations.WithExperiment(Declarations.ValidExperiment));
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
    }

    [Fact]
    public void UnsupportedSchedule_OnlyTheSPD401WarningAndTheProgramSaysWhy()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment.Replace("\"static\"", "\"rigl every=100 drop=0.3 grow=momentum\""));
        var diagnostics = AnalyzerHarness.Build(source);

        Assert.True(diagnostics.All(d => d.Id == "SPD401" && d.Severity == DiagnosticSeverity.Warning), string.Join("\n", diagnostics));
        Assert.Single(diagnostics);
    }

    [Fact]
    public void UnsupportedPattern_OnlyTheSPD401WarningForModelAndExperiment()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment).Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"block 16x16\", 0.95)");
        var diagnostics = AnalyzerHarness.Build(source);

        Assert.True(diagnostics.All(d => d.Id == "SPD401"), string.Join("\n", diagnostics));
    }

    [Fact]
    public void StaticAndSettableLayers_OnlySPD002()
    {
        string source = Declarations.File(Declarations.Model
            .Replace("public partial Layer Output { get; }", "public static partial Layer Output { get; }")
            .Replace("public partial Layer Hidden1 { get; }", "public partial Layer Hidden1 { get; set; }"));
        AssertOnlySparseDsl(AnalyzerHarness.Build(source, OutputKind.DynamicallyLinkedLibrary), "SPD002");
    }

    [Fact]
    public void NestedClassWithLayersOutsideAModel_GetsNoMisplacedStub()
    {
        string source = Declarations.File("public partial class Outer\n{\n    private partial class Inner\n    {\n        [Input(4)] public partial Layer A { get; }\n        [Dense(2)] public partial Layer B { get; }\n    }\n}");
        var diagnostics = AnalyzerHarness.Build(source, OutputKind.DynamicallyLinkedLibrary);

        Assert.Contains(diagnostics, d => d.Id == "SPD007");
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void ExperimentOnAModelFromAReferencedAssembly_GetsItsProgram()
    {
        // The model is built (generated and compiled) in its own library first, as a project reference would.
        var library = TestCompilation.Create(Declarations.File(Declarations.Model), OutputKind.DynamicallyLinkedLibrary, "ModelLibrary");
        CSharpGeneratorDriver.Create(new[] { new SparseDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(library, out var generatedLibrary, out _);
        using var image = new MemoryStream();
        var emitted = generatedLibrary.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        string experiment = Declarations.WithExperiment(Declarations.ValidExperiment).Replace(Declarations.Model, "");
        var study = TestCompilation.Create(experiment, OutputKind.ConsoleApplication)
            .AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        var driver = CSharpGeneratorDriver.Create(new[] { new SparseDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(study, out var output, out _);

        var problems = output.GetDiagnostics().Concat(AnalyzerHarness.Analyze(output)).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        string program = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("SparseDsl.Program.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("global::Tests.Study.Definition,", program);
    }
}
