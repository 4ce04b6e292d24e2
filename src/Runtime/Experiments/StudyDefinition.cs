using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Experiments;

/// <summary>
/// What the generator emits for an [Experiment]: the declaration's expression strings verbatim and a
/// factory for the model. <see cref="ExperimentProgram"/> runs it.
/// </summary>
public sealed record StudyDefinition(
    string Name,
    ModelSpec Model,
    string Data,
    int Steps,
    int Batch,
    int EvalEvery,
    string Optimizer,
    string Schedule,
    IReadOnlyList<GridAxisText> Grid,
    Func<NetworkOptions, INetwork> CreateNetwork);
