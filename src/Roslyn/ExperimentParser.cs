using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>Roslyn symbols of an [Experiment] class (and its model) → <see cref="ExperimentSpec"/>.</summary>
internal static class ExperimentParser
{
    public const string ExperimentAttribute = "SparseDsl.ExperimentAttribute";
    private const string OptimizerAttribute = "SparseDsl.OptimizerAttribute";
    private const string ScheduleAttribute = "SparseDsl.SparsityScheduleAttribute";
    private const string GridAttribute = "SparseDsl.GridAttribute";

    public static ParsedExperiment Parse(INamedTypeSymbol type, AttributeData attribute, int maxGridPoints, CancellationToken cancellation)
    {
        var diagnostics = new FindingBag();

        bool isPartial = AttributeReader.IsPartial(type);
        if (!isPartial)
        {
            diagnostics.Add(DiagnosticCatalog.TypeNotPartial, type.Locations.FirstOrDefault(),
                $"[Experiment] class '{type.Name}' must be partial so SparseDsl can add the experiment program; declare it 'public static partial class {type.Name}'");
        }

        // typeof(...) of any type: an array or a type parameter is no model either, but SPD005 should name it.
        var namedType = AttributeReader.Argument<ITypeSymbol?>(attribute, 0, null);
        var modelType = namedType as INamedTypeSymbol;
        var modelAttribute = modelType is null ? null : AttributeReader.Find(modelType, ModelParser.SparseModelAttribute);

        var grid = new List<GridAxisText>();
        var gridAttributes = new List<AttributeData>();
        foreach (var axis in type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == GridAttribute))
        {
            cancellation.ThrowIfCancellationRequested();
            grid.Add(new GridAxisText(AttributeReader.Argument(axis, 0, ""), AttributeReader.Argument(axis, 1, "")));
            gridAttributes.Add(axis);
        }

        var optimizer = AttributeReader.Find(type, OptimizerAttribute);
        var schedule = AttributeReader.Find(type, ScheduleAttribute);
        var spec = new ExperimentSpec(
            type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            namedType is null ? "" : namedType.ToDisplayString(),
            AttributeReader.Named(attribute, "Data", "synthetic"),
            AttributeReader.Named(attribute, "Steps", 1000),
            AttributeReader.Named(attribute, "Batch", 128),
            AttributeReader.Named(attribute, "EvalEvery", 0),
            optimizer is null ? ExperimentRules.DefaultOptimizer : AttributeReader.Argument(optimizer, 0, ""),
            schedule is null ? ExperimentRules.DefaultSchedule : AttributeReader.Argument(schedule, 0, ""),
            grid.ToEquatableArray());

        // The model's own findings are reported on the model; here its spec is needed, and whether its network
        // is generated at all (the experiment program names it, so a model with errors blocks the experiment too).
        ModelTarget? model = modelType is null || modelAttribute is null
            ? null
            : modelType.DeclaringSyntaxReferences.IsEmpty
                ? ModelParser.ParseReferenced(modelType, modelAttribute)
                : ModelParser.Parse(modelType, modelAttribute, cancellation).Target;

        var attributes = new ExperimentAttributes(attribute, optimizer, schedule, gridAttributes);
        foreach (var violation in ExperimentRules.Validate(spec, model?.Spec, maxGridPoints))
        {
            diagnostics.Add(violation, ViolationLocator.Locate(violation.Target, attributes));
        }

        bool isTopLevel = AttributeReader.IsTopLevel(type, "Experiment", diagnostics);
        var target = new ExperimentTarget(
            spec,
            ModelParser.Accessibility(type.DeclaredAccessibility),
            isPartial && isTopLevel,
            diagnostics.HasErrors || model is null || !model.TakesGeneratedCode || model.HasErrors,
            diagnostics.Unsupported ?? model?.Unsupported,
            RejectedByCompiler: !isPartial && AttributeReader.DeclaresPartialMembers(type));
        return new ParsedExperiment(target, diagnostics.ToImmutable());
    }
}
