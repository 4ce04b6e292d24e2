using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparseDsl.Generator;
using SparseDsl.Testing;

namespace SparseDsl.Generator.Tests;

/// <summary>Runs the generator over source text in memory, referencing the runtime as a user's project would.</summary>
internal static class GeneratorHarness
{
    public static CSharpParseOptions ParseOptions => TestCompilation.ParseOptions;

    public static CSharpCompilation Compile(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        TestCompilation.Create(source, kind);

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
