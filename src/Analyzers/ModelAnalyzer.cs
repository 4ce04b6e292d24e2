using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SparseDsl.Language;
using SparseDsl.Roslyn;

namespace SparseDsl.Analyzers;

/// <summary>
/// Model declaration and sparsity rules (SPD0xx, SPD1xx, and SPD401 for patterns this version cannot run) on
/// every [SparseModel] class (and SPD007 on a class that declares layers without being one), at the exact attribute argument. The generator emits nothing for a model with errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        Descriptors.InCategories(DiagnosticCatalog.ModelCategory, DiagnosticCatalog.SparsityCategory, DiagnosticCatalog.BackendCategory);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // A compilation that does not reference SparseDsl has nothing to check; one whose diagnostics the generator
            // reports (the compiler stops at a declaration error before the analyzers: GeneratorReports) gets them once.
            if (start.Compilation.GetTypeByMetadataName(ModelParser.SparseModelAttribute) is null || GeneratorReports.AreOn(start.Compilation))
            {
                return;
            }

            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        foreach (var diagnostic in DeclarationFindings.OfModel((INamedTypeSymbol)context.Symbol, context.CancellationToken))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
