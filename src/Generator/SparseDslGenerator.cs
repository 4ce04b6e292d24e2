using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseDsl.Generator.Emitters;
using SparseDsl.Generator.Model;
using SparseDsl.Generator.Parsing;

namespace SparseDsl.Generator;

/// <summary>
/// Turns [SparseModel] classes into networks (shape structs, layers, forward/backward, ILGPU kernels) and
/// [Experiment] classes into the experiment program. Parser → specs → emitters; only the parser sees Roslyn.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SparseDslGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var maxGridPoints = context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
            options.GlobalOptions.TryGetValue("build_property.SparseDslMaxGridPoints", out var text)
                && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
                ? value
                : 10_000);

        var models = context.SyntaxProvider.ForAttributeWithMetadataName(
            ModelParser.SparseModelAttribute,
            static (node, _) => node is ClassDeclarationSyntax,
            static (syntax, cancellation) => ModelParser.Parse(syntax, cancellation));

        var experiments = context.SyntaxProvider.ForAttributeWithMetadataName(
                ExperimentParser.ExperimentAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, _) => syntax)
            .Combine(maxGridPoints)
            .Select(static (pair, cancellation) => ExperimentParser.Parse(pair.Left, pair.Right, cancellation));

        // Diagnostics and code travel separately: a moved line changes locations, not the emitted code.
        context.RegisterSourceOutput(models.Select(static (m, _) => m.Diagnostics), Report);
        context.RegisterSourceOutput(experiments.Select(static (e, _) => e.Diagnostics), Report);

        context.RegisterSourceOutput(models.Select(static (m, _) => m.Target).WithTrackingName(TrackingNames.ModelTarget), static (output, target) =>
            output.AddSource(HintName(target.Spec.Namespace, target.Spec.Name, "Network"), ModelEmitter.Write(target)));

        var experimentTargets = experiments.Select(static (e, _) => e.Target).WithTrackingName(TrackingNames.ExperimentTarget);
        context.RegisterSourceOutput(experimentTargets, static (output, target) =>
            output.AddSource(HintName(target.Spec.Namespace, target.Spec.Name, "Study"), ExperimentEmitter.Write(target)));

        var isExecutable = context.CompilationProvider.Select(static (compilation, _) =>
            compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication);
        var entryPoint = experimentTargets.Collect().Combine(isExecutable);
        context.RegisterSourceOutput(entryPoint, static (output, pair) =>
        {
            if (pair.Right && !pair.Left.IsEmpty)
            {
                output.AddSource("SparseDsl.Program.g.cs", EntryPointEmitter.Write(pair.Left));
            }
        });
    }

    private static void Report(SourceProductionContext output, SparseDsl.Language.EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var info in diagnostics)
        {
            var descriptor = new DiagnosticDescriptor(
                info.Id,
                info.Title,
                "{0}",
                "SparseDsl",
                info.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
                isEnabledByDefault: true,
                helpLinkUri: HelpLinks.For(info.Id));
            output.ReportDiagnostic(Diagnostic.Create(descriptor, info.Location?.ToLocation() ?? Location.None, info.Message));
        }
    }

    internal static string HintName(string ns, string type, string part) =>
        (ns.Length == 0 ? "" : ns + ".") + type + "." + part + ".g.cs";
}

/// <summary>Names of the tracked pipeline steps (the incrementality tests look for them).</summary>
internal static class TrackingNames
{
    public const string ModelTarget = nameof(ModelTarget);
    public const string ExperimentTarget = nameof(ExperimentTarget);
}

internal static class HelpLinks
{
    public static string For(string id) => "https://github.com/sparsedsl/sparsedsl/blob/main/docs/diagnostics/" + id + ".md";
}
