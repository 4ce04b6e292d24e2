using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SparseDsl.Bench;

/// <summary>
/// `generator`: SparseDsl's generator and analyzers on each example's source, in process, side by side with the
/// compiler's own binding and emit of the same compilation. The first round is cold (JIT of Roslyn, Sprache and ours, as in
/// a fresh compiler process); later rounds are warm. Prints a markdown table of per-round milliseconds.
/// </summary>
internal static class GeneratorCost
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 6;
        var references = References();
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        Console.WriteLine("| example | round | driver alone (ms) | SparseDsl generator (ms) | SparseDsl analyzers (ms) | compiler: bind (ms) | compiler: emit (ms) | ours / compiler |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (string example in new[] { "QuickStart", "SetStudy" })
        {
            string source = File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", example, example + ".cs"));
            for (int round = 0; round < rounds; round++)
            {
                var compilation = CSharpCompilation.Create(example, new[] { CSharpSyntaxTree.ParseText(source, parse) }, references,
                    new CSharpCompilationOptions(OutputKind.ConsoleApplication));
                // The driver's own cost first: a generator that does almost nothing pays the cold JIT of Roslyn's
                // incremental pipeline, which any generator in the build would pay.
                var clock = Stopwatch.StartNew();
                CSharpGeneratorDriver.Create(new[] { new DriverOnlyGenerator().AsSourceGenerator() }, parseOptions: parse)
                    .RunGeneratorsAndUpdateCompilation(compilation, out _, out _);
                double driver = clock.Elapsed.TotalMilliseconds;

                clock.Restart();
                CSharpGeneratorDriver.Create(new[] { new Generator.SparseDslGenerator().AsSourceGenerator() }, parseOptions: parse)
                    .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
                double generator = clock.Elapsed.TotalMilliseconds;

                // Bind first, so the analyzers' time below is their own and not the compiler's binding.
                clock.Restart();
                generated.GetDiagnostics();
                double binding = clock.Elapsed.TotalMilliseconds;

                // The analyzers' own execution time, as the compiler logs it (ReportAnalyzer): the analyzer driver
                // re-binds its copy of the compilation, which is the compiler's work, not ours.
                var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new Analyzers.ModelAnalyzer(), new Analyzers.ExperimentAnalyzer());
                var withAnalyzers = generated.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
                int diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;
                double analysis = analyzers.Sum(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);

                clock.Restart();
                using var image = new MemoryStream();
                var emitted = generated.Emit(image);
                double emit = clock.Elapsed.TotalMilliseconds;
                if (!emitted.Success)
                {
                    Console.Error.WriteLine($"{example}: the generated compilation does not emit: {emitted.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error)}");
                    return 1;
                }

                if (diagnostics != 0)
                {
                    Console.Error.WriteLine($"{example}: the analyzers report {diagnostics} diagnostic(s); the examples should be clean.");
                    return 1;
                }

                Console.WriteLine(FormattableString.Invariant(
                    $"| {example} | {round + 1} | {driver:F1} | {generator:F1} | {analysis:F1} | {binding:F1} | {emit:F1} | {(generator + analysis) / (binding + emit):P0} |"));
            }
        }

        return 0;
    }

    private static List<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(SparseModelAttribute).Assembly.Location);
        paths.Add(typeof(Language.ModelSpec).Assembly.Location);
        paths.Add(typeof(ILGPU.Context).Assembly.Location);
        paths.Add(typeof(ILGPU.Algorithms.XMath).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, ".."));
}

/// <summary>A generator that finds the [SparseModel] classes and writes a comment: the incremental driver's cost alone.</summary>
internal sealed class DriverOnlyGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context) =>
        context.RegisterSourceOutput(
            context.SyntaxProvider.ForAttributeWithMetadataName("SparseDsl.SparseModelAttribute", static (_, _) => true, static (syntax, _) => syntax.TargetSymbol.Name),
            static (output, name) => output.AddSource(name + ".Baseline.g.cs", "// " + name));
}
