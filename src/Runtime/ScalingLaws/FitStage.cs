using System.Collections.Immutable;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// One stage of a staged fit: the runs it sees, the parameters it frees (every other parameter keeps the
/// value earlier stages gave it), and values held only while this stage runs (R* = ∞ before the repetition
/// stages: no decay, N′ = N and D′ = D).
/// </summary>
public sealed record FitStage(
    string Name,
    Func<LawPoint, bool> Includes,
    ImmutableArray<string> Free,
    ImmutableDictionary<string, double> Hold)
{
    public static FitStage Create(string name, Func<LawPoint, bool> includes, string[] free, params (string Name, double Value)[] hold) =>
        new(name, includes, [.. free], hold.ToImmutableDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));
}
