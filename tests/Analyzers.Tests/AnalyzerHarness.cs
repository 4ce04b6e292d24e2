using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparseDsl.Generator;
using SparseDsl.Testing;

namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// Runs SparseDsl's analyzers (and, for the no-cascade tests, the generator first) over source in memory,
/// the way <c>dotnet build</c> does, and compares what they report with <see cref="Markup"/>.
/// </summary>
internal static class AnalyzerHarness
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers =
        ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer(), new ExperimentAnalyzer());

    /// <summary>The SPD diagnostics of the analyzers on <paramref name="source"/>; an analyzer that throws fails the test.</summary>
    public static IReadOnlyList<Diagnostic> Analyze(string source, int? maxGridPoints = null) =>
        Analyze(TestCompilation.Create(source), maxGridPoints);

    public static IReadOnlyList<Diagnostic> Analyze(Compilation compilation, int? maxGridPoints = null)
    {
        var globals = new Dictionary<string, string>();
        if (maxGridPoints is int max)
        {
            globals["build_property.SparseDslMaxGridPoints"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new GlobalOptionsProvider(globals));
        var diagnostics = compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var crashes = diagnostics.Where(d => d.Id == "AD0001").ToList();
        Assert.True(crashes.Count == 0, "an analyzer threw: " + string.Join("\n", crashes));
        return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Asserts that the analyzers report exactly the diagnostics marked in <paramref name="markup"/>, at exactly those spans.</summary>
    public static void Verify(string markup, int? maxGridPoints = null)
    {
        var (source, expected) = Markup.Parse(markup);
        var actual = Analyze(source, maxGridPoints);
        var actualKeys = actual.Select(d => new ExpectedDiagnostic(d.Id, d.Location.SourceSpan)).ToList();
        if (actualKeys.SequenceEqual(expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal)))
        {
            return;
        }

        string Describe(ExpectedDiagnostic e) => $"{e.Id} at [{e.Span.Start}..{e.Span.End}) \"{source.Substring(e.Span.Start, e.Span.Length)}\"";
        Assert.Fail("expected:\n  " + string.Join("\n  ", expected.Select(Describe))
            + "\nactual:\n  " + string.Join("\n  ", actual.Select(d => Describe(new ExpectedDiagnostic(d.Id, d.Location.SourceSpan)) + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>The one diagnostic with <paramref name="id"/> the analyzers report on <paramref name="source"/> (its message, its link).</summary>
    public static Diagnostic Single(string source, string id, int? maxGridPoints = null)
    {
        var matching = Analyze(source, maxGridPoints).Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"expected one {id}, got {matching.Count}");
        return matching[0];
    }

    /// <summary>
    /// What a user's build shows: the generator runs, then the compiler and the analyzers see its output. Returns
    /// every warning and error (compiler and SPD) on the result.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Build(string source, OutputKind kind = OutputKind.ConsoleApplication)
    {
        var compilation = TestCompilation.Create(source, kind);
        CSharpGeneratorDriver.Create(new[] { new SparseDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return generatorDiagnostics
            .Concat(output.GetDiagnostics())
            .Concat(Analyze(output))
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
    }

    /// <summary>
    /// What <c>dotnet build</c> prints, which is less than <see cref="Build"/> (what the IDE shows): the command-line
    /// compiler reports the generator's and the declaration diagnostics, and on a declaration error it stops there,
    /// before it compiles method bodies and asks the analyzers for theirs (Roslyn's CommonCompiler.CompileAndEmit).
    /// </summary>
    public static IReadOnlyList<Diagnostic> CommandLineBuild(string source, OutputKind kind = OutputKind.ConsoleApplication)
    {
        var compilation = TestCompilation.Create(source, kind);
        CSharpGeneratorDriver.Create(new[] { new SparseDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var reported = generatorDiagnostics.Concat(output.GetParseDiagnostics()).Concat(output.GetDeclarationDiagnostics()).ToList();
        if (!reported.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            reported.AddRange(output.GetMethodBodyDiagnostics());
            reported.AddRange(Analyze(output));
        }

        return reported.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    private sealed class GlobalOptionsProvider(IReadOnlyDictionary<string, string> globals) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(globals);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
