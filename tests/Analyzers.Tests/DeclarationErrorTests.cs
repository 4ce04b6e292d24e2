using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparseDsl.Generator;
using SparseDsl.Roslyn;
using SparseDsl.Testing;

namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// A SparseDsl slip the compiler rejects as a declaration error (a [SparseModel] class that is not partial, with
/// partial layers) stops <c>dotnet build</c> before it runs the analyzers. The generator then reports the SPD
/// diagnostics of the whole project — that class's SPD001 and every other declaration's errors — and the analyzers
/// stand aside, so the IDE (which runs both) shows each one once; in the normal case only the analyzers report.
/// </summary>
public sealed class DeclarationErrorTests
{
    private const string NotPartialTiny = """
        [SparseModel]
        public class Tiny
        {
            [Input(4)] public partial Layer Features { get; }
            [Dense(2)] public partial Layer Output { get; }
        }
        """;

    /// <summary>Tiny as given, the Mlp model with sparsity 1.5 (SPD101), and an experiment on Mlp with Steps = 0 (SPD306).</summary>
    private static string Project(string tiny) => Declarations.File(
        tiny + "\n\n"
        + Declarations.Model.Replace("Sparsity = 0.9,", "Sparsity = 1.5,") + "\n\n"
        + Declarations.ValidExperiment.Replace("Steps = 1000", "Steps = 0") + "\npublic static partial class Study;");

    private static string Text(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    private static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics);

    [Fact]
    public void ModelNotPartialWithPartialLayers_BuildShowsSPD001AndTheOtherDeclarationsErrors()
    {
        var diagnostics = AnalyzerHarness.CommandLineBuild(Project(NotPartialTiny));
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        var spd001 = Assert.Single(errors, d => d.Id == "SPD001");
        Assert.Equal("Tiny", Text(spd001));
        Assert.Contains("declare it 'public partial class Tiny'", spd001.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(errors, d => d.Id == "SPD101");
        Assert.Single(errors, d => d.Id == "SPD306");

        // The stub turns CS0751 and CS9248 per layer into one CS0260, at the same class name.
        var compilerErrors = errors.Where(d => d.Id.StartsWith("CS", StringComparison.Ordinal)).ToList();
        var cs0260 = Assert.Single(compilerErrors);
        Assert.True(cs0260.Id == "CS0260", Describe(diagnostics));
        Assert.Equal("Tiny", Text(cs0260));
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void ModelNotPartialWithPartialLayers_TheIdeShowsEachDiagnosticOnce()
    {
        // The IDE runs the generator and the analyzers whatever the compiler's errors: the analyzers stand aside.
        var diagnostics = AnalyzerHarness.Build(Project(NotPartialTiny));
        var spd = diagnostics.Where(d => d.Id.StartsWith("SPD", StringComparison.Ordinal)).ToList();

        Assert.Equal(new[] { "SPD001", "SPD101", "SPD306" }, spd.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(spd.Count, spd.Select(d => (d.Id, d.Location.SourceSpan)).Distinct().Count());
    }

    [Fact]
    public void AllPartial_OnlyTheAnalyzersReport()
    {
        string source = Project(NotPartialTiny.Replace("public class Tiny", "public partial class Tiny"));
        var compilation = TestCompilation.Create(source, OutputKind.ConsoleApplication);
        var run = CSharpGeneratorDriver.Create(new[] { new SparseDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics).GetRunResult();

        Assert.Empty(generatorDiagnostics);
        Assert.DoesNotContain(run.GeneratedTrees, t => t.FilePath.EndsWith("SparseDsl.DiagnosticsFromGenerator.g.cs", StringComparison.Ordinal));
        Assert.False(GeneratorReports.AreOn(output));

        var diagnostics = AnalyzerHarness.CommandLineBuild(source);
        Assert.True(diagnostics.All(d => d.Id.StartsWith("SPD", StringComparison.Ordinal)), Describe(diagnostics));
        Assert.Equal(new[] { "SPD101", "SPD306" }, diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void ModelNotPartialWithoutPartialLayers_TheAnalyzersReportSPD001()
    {
        // No partial member, so no compiler error and no half: the analyzers run as usual (and say SPD002 per layer).
        string source = Project(NotPartialTiny.Replace("public partial Layer Features { get; }", "public Layer Features => default!;")
            .Replace("public partial Layer Output { get; }", "public Layer Output => default!;"));
        var diagnostics = AnalyzerHarness.CommandLineBuild(source);

        Assert.True(diagnostics.All(d => d.Id.StartsWith("SPD", StringComparison.Ordinal)), Describe(diagnostics));
        Assert.Equal(new[] { "SPD001", "SPD002", "SPD002", "SPD101", "SPD306" }, diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void NestedModelWithPartialLayers_BuildShowsSPD008()
    {
        // No generated half fits a nested class, so its partial layers stay CS9248: the generator reports SPD008.
        string tiny = "public partial class Outer\n{\n" + NotPartialTiny.Replace("public class Tiny", "public partial class Tiny") + "\n}";
        var diagnostics = AnalyzerHarness.CommandLineBuild(Project(tiny));

        Assert.Single(diagnostics, d => d.Id == "SPD008");
        Assert.Single(diagnostics, d => d.Id == "SPD101");
        Assert.Equal(new[] { "CS9248", "SPD008", "SPD101", "SPD306" }, diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void LayersInAClassThatIsNeitherPartialNorAModel_BuildShowsSPD007()
    {
        var diagnostics = AnalyzerHarness.CommandLineBuild(Project(NotPartialTiny.Replace("[SparseModel]\n", "")));

        Assert.Equal(new[] { "CS0260", "SPD007", "SPD101", "SPD306" }, diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void PartialLayerOfAnotherType_OnlySPD002()
    {
        // The stub implements the property as written (Layer?), so there is no CS9248 and the analyzers report.
        string source = Declarations.File(Declarations.Model.Replace("public partial Layer Hidden1 { get; }", "public partial Layer? Hidden1 { get; }"));
        var diagnostics = AnalyzerHarness.CommandLineBuild(source, OutputKind.DynamicallyLinkedLibrary);

        var only = Assert.Single(diagnostics);
        Assert.Equal("SPD002", only.Id);
    }
}
