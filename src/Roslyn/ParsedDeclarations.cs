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
/// take a generated half — nested or generic (SPD008), or not partial (SPD001) without partial layers — gets nothing
/// generated (a half that does not match it would only add compiler errors). A class that is not partial but declares
/// partial layers gets the stub: the compiler then says CS0260 once instead of CS0751 and CS9248 for every layer.
/// <see cref="Unsupported"/> is the SPD401 message when the model uses what this version cannot run: then, as with
/// errors, only the stub is generated. <see cref="RejectedByCompiler"/>: see <see cref="GeneratorReports"/>.
/// </summary>
internal sealed record ModelTarget(
    ModelSpec Spec,
    string Accessibility,
    EquatableArray<LayerMember> Members,
    bool TakesGeneratedCode,
    bool HasErrors,
    string? Unsupported,
    bool RejectedByCompiler = false)
{
    /// <summary>Whether the network is generated (and experiments may name it).</summary>
    public bool IsEmitted => TakesGeneratedCode && !HasErrors && Unsupported is null;
}

/// <summary>
/// A property with a layer attribute as the user wrote it. The network implements the valid ones (partial Layer
/// properties); a stub implements every partial definition as written (its type, <see cref="PartialType"/>; static;
/// with a setter) so that an SPD002 about it stands alone, without a CS9248 beside it. <see cref="PartialType"/> is
/// null where the stub cannot write the type (it does not resolve, or the property returns by reference).
/// </summary>
internal sealed record LayerMember(
    string Name,
    string Accessibility,
    bool IsPartialLayer,
    bool IsStatic = false,
    bool HasSetter = false,
    bool IsPartialDefinition = false,
    string? PartialType = null);

internal sealed record ParsedExperiment(ExperimentTarget Target, ImmutableArray<Finding> Findings);

/// <summary>
/// The generator's input for an [Experiment]: the spec and whether it may be emitted. <see cref="Unsupported"/> is
/// the SPD401 message of the experiment or of its model; the entry point then says it instead of running.
/// </summary>
internal sealed record ExperimentTarget(ExperimentSpec Spec, string Accessibility, bool TakesGeneratedCode, bool HasErrors, string? Unsupported, bool RejectedByCompiler = false)
{
    public bool IsEmitted => TakesGeneratedCode && !HasErrors && Unsupported is null;
}
