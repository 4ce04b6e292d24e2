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
            // A compilation that does not reference SparseDsl has nothing to check.
            if (start.Compilation.GetTypeByMetadataName(ModelParser.SparseModelAttribute) is null)
            {
                return;
            }

            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = AttributeReader.Find(type, ModelParser.SparseModelAttribute);
        var findings = attribute is null
            ? ModelParser.ParseLayersOutsideModel(type, context.CancellationToken)?.Findings ?? default
            : ModelParser.Parse(type, attribute, context.CancellationToken).Findings;
        if (findings.IsDefault)
        {
            return;
        }

        foreach (var finding in findings)
        {
            context.ReportDiagnostic(Descriptors.ToDiagnostic(finding, type));
        }
    }
}
