using System;
using System.Collections.Generic;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

public static partial class ExperimentRules
{
    private const string GridAttribute = "Grid";

    /// <summary>A value that passed the grid's own rules, and where it is written, for rules that need the whole grid first.</summary>
    private sealed record GridItem(string Axis, GridValue Value, ViolationTarget At);

    /// <summary>What the grid rules learned that other rules need.</summary>
    private sealed class GridCheck
    {
        /// <summary>The known axes, each once.</summary>
        public HashSet<string> Axes { get; } = new(StringComparer.Ordinal);

        /// <summary>The smallest valid value of a "steps" axis, if there is one.</summary>
        public int? MinSteps { get; set; }

        /// <summary>
        /// The valid values of the 'schedule', 'pattern', 'update_every' and 'drop' axes, judged against each other by
        /// <see cref="GridSchedules"/> once the grid's shortest run is known.
        /// </summary>
        public List<GridItem> TrainingItems { get; } = new();
    }

    private static GridCheck Grid(ExperimentSpec experiment, ModelSpec? model, ViolationTarget type, int maxGridPoints, List<Violation> found)
    {
        var check = new GridCheck();
        HashSet<string> seen = check.Axes;
        double points = 1;
        for (int index = 0; index < experiment.Grid.Count; index++)
        {
            GridAxisText axis = experiment.Grid[index];
            ViolationTarget name = type with { Attribute = GridAttribute, GridAxis = axis.Name, GridIndex = index, ArgumentIndex = 0 };
            ViolationTarget values = name with { ArgumentIndex = 1 };
            if (Array.IndexOf(GridAxes.Known, axis.Name) < 0)
            {
                found.Add(new Violation(
                    UnknownGridAxis,
                    $"Grid axis '{axis.Name}' is unknown; known axes: {string.Join(", ", GridAxes.Known)}",
                    name));
                continue;
            }

            if (!seen.Add(axis.Name))
            {
                found.Add(new Violation(
                    GridAxisRepeated,
                    $"Grid axis '{axis.Name}' is declared twice; put all its values in one [Grid(\"{axis.Name}\", ...)]",
                    name));
                continue;
            }

            ParseResult<EquatableArray<(GridValue Value, int Column, int Length)>> parsed = Expressions.ParseGridValuesWithSpans(axis.Values ?? "");
            if (!parsed.Success)
            {
                ParseError error = parsed.Error!;
                found.Add(new Violation(GridValuesInvalid, $"Values of grid axis '{axis.Name}': {error.Message}", values.At(error.Column, error.Length)));
                continue;
            }

            EquatableArray<(GridValue Value, int Column, int Length)> items = parsed.Value;
            points *= items.Count;
            var distinct = new HashSet<GridValue>();
            foreach ((GridValue value, int column, int length) in items)
            {
                ViolationTarget at = values.At(column, length);
                if (!distinct.Add(value))
                {
                    found.Add(new Violation(
                        GridValuesInvalid,
                        $"Value {Describe(value)} of grid axis '{axis.Name}' is repeated; each value runs once, so list it once",
                        at));
                    continue;
                }

                string? problem = CheckValue(axis.Name, value);
                if (problem is not null)
                {
                    found.Add(new Violation(GridValueInvalidForAxis, $"Value {Describe(value)} of grid axis '{axis.Name}' {problem}", at));
                    continue;
                }

                if (axis.Name == GridAxes.Steps)
                {
                    int steps = (int)value.Number!.Value;
                    check.MinSteps = check.MinSteps is int current ? Math.Min(current, steps) : steps;
                }

                if (axis.Name == GridAxes.Pattern)
                {
                    GridPattern(value, model, at, found);
                }

                if (axis.Name is GridAxes.Width or GridAxes.Blocks && model is not null && ModelSize(axis.Name, (int)value.Number!.Value, model) is string size)
                {
                    found.Add(new Violation(GridValueInvalidForAxis, $"Value {Describe(value)} of grid axis '{axis.Name}' {size}", at));
                    continue;
                }

                if (axis.Name is GridAxes.Schedule or GridAxes.Pattern or GridAxes.UpdateEvery or GridAxes.Drop)
                {
                    check.TrainingItems.Add(new GridItem(axis.Name, value, at));
                }

                if (axis.Name == GridAxes.Sparsity && model is not null && value.Number is double sparsity)
                {
                    DensityPlan plan = LayerDensities.Compute(model, sparsity, model.Distribution);
                    if (!plan.Success)
                    {
                        found.Add(new Violation(DistributionCannotReachTarget, $"Model '{model.Name}' at grid value {Describe(value)}: {plan.Failure}", at));
                    }
                }
            }
        }

        if (points > maxGridPoints && experiment.Grid.Count > 0)
        {
            GridAxisText first = experiment.Grid[0];
            found.Add(new Violation(
                GridTooLarge,
                $"The grid has {points.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} points, more than the limit of {Show(maxGridPoints)}; drop values or axes, or raise the limit with the MSBuild property SparseDslMaxGridPoints",
                type with { Attribute = GridAttribute, GridAxis = first.Name, ArgumentIndex = 1 }));
        }

        return check;
    }

    /// <summary>Why <paramref name="value"/> does not fit <paramref name="axis"/>, as the rest of a sentence, or null.</summary>
    public static string? CheckValue(string axis, GridValue value)
    {
        switch (axis)
        {
            case GridAxes.Distribution:
                return value.Text is "uniform" or "er" or "erk" ? null : "must be one of uniform, er, erk";
            case GridAxes.Schedule:
                return value.Text is not null ? null : "must be a schedule such as static, set or rigl every=100, not a number";
            case GridAxes.Pattern:
                return value.Text is not null ? null : "must be a pattern such as unstructured, block 16x16 or 2:4, not a number";
            case GridAxes.Sampling:
                return value.Text is string sampling && IsSampling(sampling)
                    ? null
                    : "must be full, rs2 r=R or rs2 r=R replace, with R a fraction in (0, 1]; use values like full, rs2 r=0.1, rs2 r=0.3";
        }

        if (value.Number is not double n)
        {
            return "must be a number, not a string";
        }

        bool whole = n == Math.Floor(n) && n <= int.MaxValue && n >= int.MinValue;
        return axis switch
        {
            GridAxes.Sparsity => n >= 0 && n < 1 ? null : "must be a sparsity in [0, 1); use values like 0, 0.5, 0.9",
            GridAxes.Seed => whole && n >= 0 ? null : "must be a whole number >= 0; use seeds like 1, 2, 3",
            GridAxes.LearningRate => n > 0 ? null : "must be a learning rate above 0; use values like 1e-3",
            GridAxes.Batch => whole && n > 0 ? null : "must be a whole number above 0; use batches like 32, 64, 128",
            GridAxes.Steps => whole && n > 0 ? null : "must be a whole number above 0; use step counts like 1000, 10k",
            GridAxes.UpdateEvery => whole && n > 0 ? null : "must be a whole number of steps above 0 (the schedule's every=); use intervals like 50, 100, 200",
            GridAxes.Drop => n > 0 && n < 1 ? null : "must be a drop fraction in (0, 1) (the schedule's drop=); use values like 0.1, 0.3, 0.5",
            GridAxes.UniqueTokens => whole && n > 0 ? null : "must be a whole number above 0 (U: training examples in the seeded subset); use counts like 6000, 30k, 60k",
            GridAxes.Epochs => whole && n > 0 ? null : "must be a whole number of passes over U above 0; use values like 1, 4, 16",
            GridAxes.Width => whole && n > 0 ? null : "must be a whole number of features above 0 (a language model's width); use values like 64, 128, 256",
            GridAxes.Blocks => whole && n > 0 ? null : "must be a whole number of transformer blocks above 0; use values like 2, 4, 8",
            _ => null,
        };
    }

    /// <summary>Why a 'width' or 'blocks' value does not fit <paramref name="model"/> (it must be a language model whose heads divide the width), or null.</summary>
    private static string? ModelSize(string axis, int value, ModelSpec model)
    {
        if (!model.IsTokenModel || model.Layers.Count < 2 || model.Layers[1].Block is not { } block)
        {
            return $"sizes a language model, and '{model.Name}' is an [Input] + [Dense] network; remove the axis or grid over its layers' sizes by declaring several models";
        }

        if (axis == GridAxes.Width && block.Heads > 0 && value % block.Heads != 0)
        {
            return $"is not divisible by the {block.Heads} heads of '{model.Layers[1].Name}'; use a multiple of {block.Heads}";
        }

        if (axis == GridAxes.Width && block.IsRotary && block.Heads > 0 && value / block.Heads % 2 != 0)
        {
            return $"gives heads {value / block.Heads} wide, and rotary positions need an even head width; use a multiple of {2 * block.Heads}";
        }

        return null;
    }

    /// <summary>The text form of the sampling axis: <c>full</c> | <c>rs2 r=R</c> | <c>rs2 r=R replace</c>, R in (0, 1] (the runtime's Sampling.Parse reads the same).</summary>
    private static bool IsSampling(string text)
    {
        string[] words = text.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1 && words[0] == "full")
        {
            return true;
        }

        return words.Length is 2 or 3
            && words[0] == "rs2"
            && words[1].StartsWith("r=", StringComparison.Ordinal)
            && double.TryParse(words[1].Substring(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double r)
            && r > 0 && r <= 1
            && (words.Length == 2 || words[2] == "replace");
    }

    private static string Describe(GridValue value) => value.Text is string text ? "\"" + text + "\"" : value.ToString();
}
