using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseDsl.Generator.Emitters;
using SparseDsl.Language;
using SparseDsl.Roslyn;

namespace SparseDsl.Generator;

/// <summary>
/// Turns [SparseModel] classes into networks (shape structs, layers, forward/backward, ILGPU kernels) and
/// [Experiment] classes into the experiment program. Parser → specs → emitters; only the parser sees Roslyn.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SparseDslGenerator : IIncrementalGenerator
{
    /// <summary>
    /// SPD901, the one diagnostic only the generator reports; every rule of the catalog is the analyzers', and the
    /// generator's only in the build where the compiler would not run them (<see cref="GeneratorReports"/>).
    /// </summary>
    private static readonly DiagnosticDescriptor InternalError = new DiagnosticDescriptor(
        RuleIds.GeneratorInternalError,
        DiagnosticCatalog.GeneratorInternalError.Title,
        DiagnosticCatalog.GeneratorInternalError.MessageFormat,
        DiagnosticCatalog.InternalCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinks.For(DiagnosticCatalog.GeneratorInternalError));

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var maxGridPoints = context.AnalyzerConfigOptionsProvider.Select(static (options, _) => BuildProperties.MaxGridPoints(options.GlobalOptions));

        // Only the value-equal targets enter the pipeline: the analyzers report the findings (with their
        // locations), so a moved line or an edited comment leaves every generated file cached.
        var models = context.SyntaxProvider.ForAttributeWithMetadataName(
                ModelParser.SparseModelAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, cancellation) => ModelParser.Parse((INamedTypeSymbol)syntax.TargetSymbol, syntax.Attributes[0], cancellation).Target)
            .WithTrackingName(TrackingNames.ModelTarget);

        var experimentTargets = context.SyntaxProvider.ForAttributeWithMetadataName(
                ExperimentParser.ExperimentAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, _) => syntax)
            .Combine(maxGridPoints)
            .Select(static (pair, cancellation) =>
                ExperimentParser.Parse((INamedTypeSymbol)pair.Left.TargetSymbol, pair.Left.Attributes[0], pair.Right, cancellation).Target)
            .WithTrackingName(TrackingNames.ExperimentTarget);

        // A class that declares layers but lost its [SparseModel] (SPD007) gets the error stub, so its partial layers are
        // implemented and the build shows SPD007 alone instead of a CS9248 per layer. Found from each layer attribute,
        // hence collected and de-duplicated per class.
        var layersOutsideModels = LayersOutsideModels(context, ModelParser.InputAttribute)
            .Combine(LayersOutsideModels(context, ModelParser.DenseAttribute))
            .Select(static (pair, _) => pair.Left.Concat(pair.Right).Distinct().ToImmutableArray());
        context.RegisterSourceOutput(layersOutsideModels, static (output, targets) =>
        {
            foreach (var target in targets.Where(t => t.TakesGeneratedCode))
            {
                EmitNetwork(output, target, EquatableArray<SparsityPatternSpec>.Empty, EquatableArray<int>.Empty);
            }
        });

        // The patterns experiments give their models through a 'pattern' grid axis: a model prints a block-CSR kernel
        // set for every tile its layers can take. Value-equal, so only a change to a model's grid patterns regenerates it.
        var gridPatterns = experimentTargets
            .Select(static (e, _) => new GridPatterns(e.Spec.ModelFullName, LayerTiles.GridPatterns(e.Spec).ToEquatableArray()))
            .Where(static g => g.Patterns.Count > 0)
            .Collect()
            .WithTrackingName(TrackingNames.GridPatterns);

        // The widths experiments give their language models through a 'width' grid axis: shape structs for each.
        var gridWidths = experimentTargets
            .Select(static (e, _) => new GridWidths(e.Spec.ModelFullName, GridAxes.WholeValues(e.Spec, GridAxes.Width).ToEquatableArray()))
            .Where(static g => g.Widths.Count > 0)
            .Collect()
            .WithTrackingName(TrackingNames.GridWidths);

        // A class that is not partial gets nothing (SPD001 says so; a partial half would only add CS0260), unless it declares
        // partial layers: then the compiler rejects it anyway, and the stub's one CS0260 stands in for CS0751 and CS9248 per layer.
        var networks = models.Where(static m => m.TakesGeneratedCode)
            .Combine(gridPatterns)
            .Combine(gridWidths)
            .Select(static (pair, _) => new NetworkTarget(
                pair.Left.Left, GridPatterns.For(pair.Left.Left.Spec.FullName, pair.Left.Right), GridWidths.For(pair.Left.Left.Spec.FullName, pair.Right)))
            .WithTrackingName(TrackingNames.NetworkTarget);
        context.RegisterSourceOutput(networks, static (output, network) => EmitNetwork(output, network.Model, network.GridPatterns, network.GridWidths));

        context.RegisterSourceOutput(experimentTargets.Where(static e => e.TakesGeneratedCode), static (output, target) =>
            Emit(output, target.Spec.Name, () => output.AddSource(HintName(target.Spec.Namespace, target.Spec.Name, "Study"), ExperimentEmitter.Write(target))));

        // When a SparseDsl declaration stops the compiler before its analyzers run (GeneratorReports), the generator
        // reports every SPD finding instead, and only then. The flag is value-equal; the compilation is read only
        // while it is set.
        var compilerRejects = models.Collect()
            .Combine(layersOutsideModels)
            .Combine(experimentTargets.Collect())
            .Select(static (all, _) => all.Left.Left.Any(m => m.RejectedByCompiler) || all.Left.Right.Any(m => m.RejectedByCompiler) || all.Right.Any(e => e.RejectedByCompiler));
        context.RegisterSourceOutput(compilerRejects.Combine(maxGridPoints).Combine(context.CompilationProvider), static (output, input) =>
        {
            if (input.Left.Left)
            {
                Emit(output, "the project's diagnostics", () => ReportFindings(output, input.Right, input.Left.Right));
            }
        });

        var isExecutable = context.CompilationProvider.Select(static (compilation, _) =>
            compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication);
        var entryPoint = experimentTargets.Collect().Combine(isExecutable);
        context.RegisterSourceOutput(entryPoint, static (output, pair) =>
        {
            if (pair.Right && !pair.Left.IsEmpty)
            {
                Emit(output, "the entry point", () => output.AddSource("SparseDsl.Program.g.cs", EntryPointEmitter.Write(pair.Left)));
            }
        });
    }

    private static IncrementalValueProvider<ImmutableArray<ModelTarget>> LayersOutsideModels(IncrementalGeneratorInitializationContext context, string layerAttribute) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
                layerAttribute,
                static (node, _) => node is PropertyDeclarationSyntax,
                static (syntax, cancellation) => syntax.TargetSymbol.ContainingType is { } type
                    ? ModelParser.ParseLayersOutsideModel(type, cancellation)?.Target
                    : null)
            .Where(static target => target is not null)
            .Select(static (target, _) => target!)
            .Collect();

    private static void ReportFindings(SourceProductionContext output, Compilation compilation, int maxGridPoints)
    {
        output.AddSource(ReportMarkerEmitter.HintName, ReportMarkerEmitter.Write());
        foreach (var diagnostic in GeneratorReports.InCompilation(compilation, maxGridPoints, output.CancellationToken))
        {
            output.ReportDiagnostic(diagnostic);
        }
    }

    private static void EmitNetwork(SourceProductionContext output, ModelTarget target, EquatableArray<SparsityPatternSpec> gridPatterns, EquatableArray<int> gridWidths) =>
        Emit(output, target.Spec.Name, () => output.AddSource(HintName(target.Spec.Namespace, target.Spec.Name, "Network"), ModelEmitter.Write(target, gridPatterns, gridWidths)));

    /// <summary>
    /// Runs one emitter; a bug in it becomes one SPD901 naming the declaration instead of Roslyn's CS8785 with
    /// a stack trace and a half-generated project.
    /// </summary>
    private static void Emit(SourceProductionContext output, string declaration, Action emit)
    {
        try
        {
            emit();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            output.ReportDiagnostic(Diagnostic.Create(InternalError, Location.None,
                $"SparseDsl could not generate code for {declaration}: {exception.GetType().Name}: {exception.Message}. Please report this with the declaration."));
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
    public const string GridPatterns = nameof(GridPatterns);
    public const string NetworkTarget = nameof(NetworkTarget);
    public const string GridWidths = nameof(GridWidths);
}
