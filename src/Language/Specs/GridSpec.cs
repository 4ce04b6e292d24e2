using System.Globalization;

namespace SparseDsl.Language;

/// <summary>One value of a grid axis: a number (<c>0.9</c>, <c>100k</c>) or text (<c>erk</c>, <c>'rigl every=100'</c>).</summary>
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

    /// <summary>A schedule expression per point, in place of the [SparsitySchedule] (<c>static, set, rigl every=100</c>).</summary>
    public const string Schedule = "schedule";

    /// <summary>A pattern expression for the layers that follow the model-level target (<c>unstructured, block 16x16, 2:4</c>).</summary>
    public const string Pattern = "pattern";

    /// <summary>The schedule's update interval <c>every=</c>, replaced per point.</summary>
    public const string UpdateEvery = "update_every";

    /// <summary>The schedule's drop fraction <c>drop=</c>, replaced per point.</summary>
    public const string Drop = "drop";

    /// <summary>How each epoch draws from the training set: <c>full</c>, <c>rs2 r=0.1</c> or <c>rs2 r=0.1 replace</c> (docs/data.md).</summary>
    public const string Sampling = "sampling";

    /// <summary>U: the training set is a seeded subset of this many training examples (for an image data set, samples).</summary>
    public const string UniqueTokens = "unique_tokens";

    /// <summary>Passes over U (RS2: rounds); the run's steps follow from U × epochs / batch unless a 'steps' axis or --steps gives them.</summary>
    public const string Epochs = "epochs";

    /// <summary>A language model's width (the [Embedding]'s dim), replaced per point: the model-size axis of a scaling study.</summary>
    public const string Width = "width";

    /// <summary>A language model's block count (the [TransformerBlock]'s Count), replaced per point.</summary>
    public const string Blocks = "blocks";

    public static readonly string[] Known = { Sparsity, Seed, LearningRate, Batch, Steps, Distribution, Schedule, Pattern, UpdateEvery, Drop, Sampling, UniqueTokens, Epochs, Width, Blocks };

    /// <summary>The values of <paramref name="axis"/> in <paramref name="experiment"/>'s grid that are whole numbers above 0 (what the generator prints shapes for).</summary>
    public static System.Collections.Generic.IEnumerable<int> WholeValues(ExperimentSpec experiment, string axis)
    {
        foreach (GridAxisText text in experiment.Grid)
        {
            if (text.Name != axis || !Expressions.ParseGridValues(text.Values ?? "").Success)
            {
                continue;
            }

            foreach (GridValue value in Expressions.ParseGridValues(text.Values ?? "").Value)
            {
                if (value.Number is double n && n >= 1 && n <= int.MaxValue && n == System.Math.Floor(n))
                {
                    yield return (int)n;
                }
            }
        }
    }
}
