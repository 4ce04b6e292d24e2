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

        var modelType = AttributeReader.Argument<INamedTypeSymbol?>(attribute, 0, null);
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
            modelType is null ? "" : modelType.ToDisplayString(),
            AttributeReader.Named(attribute, "Data", "synthetic"),
            AttributeReader.Named(attribute, "Steps", 1000),
            AttributeReader.Named(attribute, "Batch", 128),
            AttributeReader.Named(attribute, "EvalEvery", 0),
            optimizer is null ? "adamw" : AttributeReader.Argument(optimizer, 0, ""),
            schedule is null ? "static" : AttributeReader.Argument(schedule, 0, ""),
            grid.ToEquatableArray());

        ModelSpec? model = null;
        if (modelType is not null && modelAttribute is not null)
        {
            // The model's own diagnostics are reported on the model; here only its spec is needed.
            model = ModelParser.ReadSpec(modelType, modelAttribute, new FindingBag(), out _);
        }

        // The rules read an empty expression as "attribute absent, use the default", but here the attribute is
        // present: [Optimizer("")] would pass the build and then fail to parse at run time, so it is SPD207 (SPD201).
        EmptyExpression(optimizer, "Optimizer", DiagnosticCatalog.OptimizerDoesNotParse, Expressions.ParseOptimizer(""), diagnostics);
        EmptyExpression(schedule, "Schedule", DiagnosticCatalog.ScheduleDoesNotParse, Expressions.ParseSchedule(""), diagnostics);

        var attributes = new ExperimentAttributes(attribute, optimizer, schedule, gridAttributes);
        var occurrences = new Dictionary<(string Rule, string Axis), int>();
        foreach (var violation in ExperimentRules.Validate(spec, model, maxGridPoints))
        {
            diagnostics.Add(violation, ViolationLocator.Locate(violation.Target, GridOccurrence(violation, attributes, occurrences)));
        }

        var target = new ExperimentTarget(spec, ModelParser.Accessibility(type.DeclaredAccessibility), isPartial, diagnostics.HasErrors || model is null);
        return new ParsedExperiment(target, diagnostics.ToImmutable());
    }

    private static void EmptyExpression<T>(AttributeData? present, string what, RuleDescriptor rule, ParseResult<T> empty, FindingBag diagnostics)
    {
        if (present is null || !string.IsNullOrWhiteSpace(AttributeReader.Argument(present, 0, "")))
        {
            return;
        }

        var argument = AttributeReader.ArgumentSyntax(present, 0);
        diagnostics.Add(rule, argument?.GetLocation() ?? AttributeReader.Location(present), $"{what} \"\": {empty.Error!.Message}");
    }

    /// <summary>
    /// A [Grid] axis named twice gives one SPD303 per later declaration (and an unknown one an SPD301 per
    /// declaration), but a target names only the axis, which locates the first declaration. The n-th such
    /// violation of an axis belongs to its n-th declaration (SPD301) or its (n+1)-th (SPD303): the attributes narrowed
    /// to that one; every other violation keeps <paramref name="attributes"/>.
    /// </summary>
    private static ExperimentAttributes GridOccurrence(Violation violation, ExperimentAttributes attributes, Dictionary<(string Rule, string Axis), int> occurrences)
    {
        bool repeated = violation.Rule == DiagnosticCatalog.GridAxisRepeated;
        if ((!repeated && violation.Rule != DiagnosticCatalog.UnknownGridAxis) || violation.Target.GridAxis is not string axis)
        {
            return attributes;
        }

        occurrences.TryGetValue((violation.Rule.Id, axis), out int seen);
        occurrences[(violation.Rule.Id, axis)] = seen + 1;
        var declarations = attributes.Grid.Where(g => AttributeReader.Argument(g, 0, "") == axis).ToList();
        int index = repeated ? seen + 1 : seen;
        return index < declarations.Count ? attributes with { Grid = new[] { declarations[index] } } : attributes;
    }
}
