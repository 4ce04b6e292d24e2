using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparseDsl.Generator;

namespace SparseDsl.Generator.Tests;

/// <summary>Runs the generator over source text in memory, referencing the runtime as a user's project would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = trusted.Split(Path.PathSeparator).ToList();
        paths.Add(typeof(SparseModelAttribute).Assembly.Location);          // SparseDsl.Runtime
        paths.Add(typeof(SparseDsl.Language.ModelSpec).Assembly.Location);  // SparseDsl.Language
        paths.Add(typeof(ILGPU.Context).Assembly.Location);
        paths.Add(typeof(ILGPU.Algorithms.XMath).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Compile(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary, string assemblyName = "UserProject") =>
        CSharpCompilation.Create(
            assemblyName,
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "User.cs") },
            References.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            new[] { new SparseDslGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Generates, then returns the generator's diagnostics, the generated files and the compiler's diagnostics on the result.</summary>
    public static GeneratorOutcome Run(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var compilation = Compile(source, kind);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();
        var files = result.GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.GetText().ToString());
        var compileDiagnostics = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        return new GeneratorOutcome(generatorDiagnostics.ToList(), files, compileDiagnostics, output);
    }
}

internal sealed record GeneratorOutcome(
    IReadOnlyList<Diagnostic> GeneratorDiagnostics,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyList<Diagnostic> CompileDiagnostics,
    Compilation Output)
{
    public string Describe() => string.Join("\n", GeneratorDiagnostics.Concat(CompileDiagnostics).Select(d => d.ToString()));
}
