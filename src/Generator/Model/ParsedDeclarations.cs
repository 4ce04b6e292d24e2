using SparseDsl.Language;

namespace SparseDsl.Generator.Model;

/// <summary>
/// What the parser found on one [SparseModel] class: the spec (no Roslyn types, value-equal, so an edit that
/// does not change it leaves the generated code cached) and the diagnostics (with locations) kept apart.
/// </summary>
internal sealed record ParsedModel(ModelTarget Target, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The generator's input for a model: the spec plus how to declare the partial class again.</summary>
internal sealed record ModelTarget(
    ModelSpec Spec,
    string Accessibility,
    EquatableArray<LayerMember> Members,
    bool HasErrors);

/// <summary>A declared Layer property as the user wrote it; only valid partial definitions get an implementation.</summary>
internal sealed record LayerMember(string Name, string Accessibility, bool IsPartialLayer);

internal sealed record ParsedExperiment(ExperimentTarget Target, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The generator's input for an [Experiment]: the spec and whether it may be emitted.</summary>
internal sealed record ExperimentTarget(ExperimentSpec Spec, string Accessibility, bool HasErrors);
