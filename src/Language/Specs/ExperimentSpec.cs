namespace SparseDsl.Language;

/// <summary>
/// An [Experiment] declaration, with its expression strings kept verbatim: the strings are the canonical form
/// (hashed into run ids, printed into generated code) and the parsed specs are what rules judge.
/// </summary>
public sealed record ExperimentSpec(
    string Namespace,
    string Name,
    string ModelFullName,
    string Data,
    int Steps,
    int Batch,
    int EvalEvery,
    string OptimizerText,
    string ScheduleText,
    EquatableArray<GridAxisText> Grid)
{
    public string FullName => Namespace.Length == 0 ? Name : Namespace + "." + Name;
}

/// <summary>A [Grid("name", "values")] as written.</summary>
public sealed record GridAxisText(string Name, string Values);
