namespace SparseDsl.ScalingLaws;

/// <summary>
/// One finished training run as a scaling law sees it. <paramref name="Params"/> is the raw (dense-equivalent)
/// parameter count; a sparse run gives <paramref name="ActiveParams"/> or <paramref name="Density"/> (either
/// determines the other: active = raw × density). <paramref name="Tokens"/> is D, the tokens trained on;
/// <paramref name="UniqueTokens"/> is U, the unique tokens among them (D/U is the number of epochs).
/// </summary>
public sealed record ScalingObservation(
    double Params,
    double? ActiveParams,
    double? Density,
    double Tokens,
    double UniqueTokens,
    double Loss)
{
    /// <summary>An optional name for the run (a CSV <c>name</c> column, a store id); used in residual tables.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// Every numeric column of the source row by its original name (CSV header or store column); lets a
    /// <see cref="HoldoutPredicate"/> test columns that are not one of the fields above.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Columns { get; init; }

    /// <summary>The density d ∈ (0, 1]: given, else active/raw, else 1 (dense).</summary>
    public double ResolvedDensity =>
        Density ?? (ActiveParams is { } active ? active / Params : 1.0);

    /// <summary>N, the active parameter count: given, else raw × density.</summary>
    public double ResolvedActiveParams =>
        ActiveParams ?? Params * (Density ?? 1.0);

    /// <summary>D/U: epochs over the unique data (at least 1 when U ≥ D).</summary>
    public double Epochs => Tokens / Math.Min(UniqueTokens, Tokens);
}
