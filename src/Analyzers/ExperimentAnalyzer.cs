using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparseDsl.Roslyn;

namespace SparseDsl.Analyzers;

/// <summary>
/// Schedule, optimizer, experiment and grid rules (SPD001, SPD005, SPD2xx, SPD3xx, and SPD401 for schedules this
/// version cannot run) on every [Experiment] class. The model's own rules are the <see cref="ModelAnalyzer"/>'s.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExperimentAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Every rule: a grid value is judged by the model's rules too (a grid sparsity of 1.2 is SPD307, one the distribution cannot reach SPD106).</summary>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Descriptors.All;

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(ExperimentParser.ExperimentAttribute) is null || GeneratorReports.AreOn(start.Compilation))
            {
                return;
            }

            int maxGridPoints = BuildProperties.MaxGridPoints(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, maxGridPoints), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, int maxGridPoints)
    {
        foreach (var diagnostic in DeclarationFindings.OfExperiment((INamedTypeSymbol)context.Symbol, maxGridPoints, context.CancellationToken))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
