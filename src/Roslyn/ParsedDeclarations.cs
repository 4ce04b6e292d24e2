using System.Collections.Immutable;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>
/// What the parser found on one [SparseModel] class: the target (no Roslyn types, value-equal, so an edit that
/// does not change it leaves the generated code cached) and the findings, which only the analyzers report.
/// </summary>
internal sealed record ParsedModel(ModelTarget Target, ImmutableArray<Finding> Findings);

/// <summary>
/// The generator's input for a model: the spec plus how to declare the partial class again. A class that is
/// not partial gets nothing generated (a partial half would only add CS0260 to SPD001).
/// </summary>
internal sealed record ModelTarget(
    ModelSpec Spec,
    string Accessibility,
    EquatableArray<LayerMember> Members,
    bool IsPartial,
    bool HasErrors);

/// <summary>A declared Layer property as the user wrote it; only valid partial definitions get an implementation.</summary>
internal sealed record LayerMember(string Name, string Accessibility, bool IsPartialLayer);

internal sealed record ParsedExperiment(ExperimentTarget Target, ImmutableArray<Finding> Findings);

/// <summary>The generator's input for an [Experiment]: the spec and whether it may be emitted.</summary>
internal sealed record ExperimentTarget(ExperimentSpec Spec, string Accessibility, bool IsPartial, bool HasErrors);
