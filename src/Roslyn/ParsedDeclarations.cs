using System.Collections.Immutable;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>
/// What the parser found on one [SparseModel] class: the target (no Roslyn types, value-equal, so an edit that
/// does not change it leaves the generated code cached) and the findings, which only the analyzers report.
/// </summary>
internal sealed record ParsedModel(ModelTarget Target, ImmutableArray<Finding> Findings);

/// <summary>
/// The generator's input for a model: the spec plus how to declare the partial class again. A class that cannot
/// take a generated half — not partial (SPD001), nested or generic (SPD008) — gets nothing generated (a half that
/// does not match it would only add compiler errors). <see cref="Unsupported"/>
/// is the SPD401 message when the model uses what this version cannot run: then, as with errors, only the stub
/// is generated.
/// </summary>
internal sealed record ModelTarget(
    ModelSpec Spec,
    string Accessibility,
    EquatableArray<LayerMember> Members,
    bool TakesGeneratedCode,
    bool HasErrors,
    string? Unsupported)
{
    /// <summary>Whether the network is generated (and experiments may name it).</summary>
    public bool IsEmitted => TakesGeneratedCode && !HasErrors && Unsupported is null;
}

/// <summary>
/// A declared Layer property as the user wrote it; only valid partial definitions get an implementation. A stub
/// matches what was written (static, with a setter) so that an SPD002 about it stands alone.
/// </summary>
internal sealed record LayerMember(string Name, string Accessibility, bool IsPartialLayer, bool IsStatic = false, bool HasSetter = false);

internal sealed record ParsedExperiment(ExperimentTarget Target, ImmutableArray<Finding> Findings);

/// <summary>
/// The generator's input for an [Experiment]: the spec and whether it may be emitted. <see cref="Unsupported"/> is
/// the SPD401 message of the experiment or of its model; the entry point then says it instead of running.
/// </summary>
internal sealed record ExperimentTarget(ExperimentSpec Spec, string Accessibility, bool TakesGeneratedCode, bool HasErrors, string? Unsupported)
{
    public bool IsEmitted => TakesGeneratedCode && !HasErrors && Unsupported is null;
}
