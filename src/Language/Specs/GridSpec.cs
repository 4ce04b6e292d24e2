using System.Globalization;

namespace SparseDsl.Language;

/// <summary>One value of a grid axis: a number (<c>0.9</c>, <c>100k</c>) or a quoted string (<c>"erk"</c>).</summary>
public sealed record GridValue(double? Number, string? Text)
{
    public static GridValue Of(double number) => new(number, null);

    public static GridValue Of(string text) => new(null, text);

    public override string ToString() => Number is double n ? n.ToString("R", CultureInfo.InvariantCulture) : Text ?? "";
}

/// <summary>A [Grid] axis: its name and its values in declaration order.</summary>
public sealed record GridAxisSpec(string Name, EquatableArray<GridValue> Values);

/// <summary>The axes this version of SparseDsl knows.</summary>
public static class GridAxes
{
    public const string Sparsity = "sparsity";
    public const string Seed = "seed";
    public const string LearningRate = "lr";
    public const string Batch = "batch";
    public const string Steps = "steps";
    public const string Distribution = "distribution";

    public static readonly string[] Known = { Sparsity, Seed, LearningRate, Batch, Steps, Distribution };
}
