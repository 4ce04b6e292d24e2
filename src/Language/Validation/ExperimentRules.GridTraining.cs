using System;
using System.Collections.Generic;
using System.Linq;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

/// <summary>
/// The grid axes that change how a point trains rather than a number of the run: 'schedule' and 'pattern' values
/// are expressions, judged by the same rules as [SparsitySchedule] and [Sparse]; 'update_every' and 'drop' replace an
/// option of the schedule, so they are judged against the schedules they change. Every violation is reported at the
/// value in the [Grid] string.
/// </summary>
public static partial class ExperimentRules
{
    /// <summary>A schedule that 'update_every' and 'drop' values would change, and how a message names it.</summary>
    private sealed record ChangedSchedule(string Described, SparsityScheduleSpec Spec);

    /// <summary>
    /// A value of the 'pattern' axis: a pattern expression (SPD102 when it does not parse) for the layers that follow
    /// the model-level target, judged on each of them by the [Sparse] rules (SPD103, SPD104, SPD108); SPD307 when no
    /// layer follows the target, so the value would change nothing.
    /// </summary>
    /// <summary>
    /// A 'pattern' value on a language model: it reaches the block matrices that follow the model's target (not kept
    /// dense by Target, no own [Sparse]), and must fit each of their shapes (q/k/v/o, up/gate, down).
    /// </summary>
    private static void GridPatternOnBlocks(SparsityPatternSpec pattern, ModelSpec model, string prefix, ViolationTarget at, List<Violation> found)
    {
        var following = ModelMatrices.Of(model).Where(m => !m.KeepDense && m.Pattern is null).ToList();
        if (following.Count == 0)
        {
            found.Add(new Violation(
                GridValueInvalidForAxis,
                $"{prefix} would change nothing: no block matrix of model '{model.Name}' follows the model-level target (its Target or the block's own [Sparse] covers them all); remove the axis, or widen the model's Target",
                at));
            return;
        }

        var seen = new HashSet<(int In, int Out)>();
        foreach (WeightMatrix matrix in following.Where(m => seen.Add((m.In, m.Out))))
        {
            string part = matrix.Name.Substring(matrix.Name.LastIndexOf('.') + 1);
            LayerSpec blocks = model.Layers.First(l => l.Name == matrix.Layer);
            var named = blocks with { Name = $"{matrix.Layer} ({part})", Sparsity = null };
            var own = new List<Violation>();
            ModelRules.PatternFitsLayer(named, new LayerShape(named.Name, LayerKind.Dense, matrix.In, matrix.Out), pattern, at, at, at, own);
            found.AddRange(own.Select(v => v with { Message = $"{prefix}: {v.Message}", Replacement = null }));
            if (own.Count > 0)
            {
                return; // one line per value: the first matrix shape it does not fit
            }
        }
    }

    private static void GridPattern(GridValue value, ModelSpec? model, ViolationTarget at, List<Violation> found)
    {
        string prefix = $"Value {Describe(value)} of grid axis '{GridAxes.Pattern}'";
        ParseResult<SparsityPatternSpec> parsed = Expressions.ParsePattern(value.Text!);
        if (!parsed.Success)
        {
            ParseError error = parsed.Error!;
            found.Add(new Violation(PatternDoesNotParse, $"{prefix} does not parse at column {error.Column}: {error.Message}", at));
            return;
        }

        SparsityPatternSpec pattern = parsed.Value!;
        if (model is { IsTokenModel: true })
        {
            GridPatternOnBlocks(pattern, model, prefix, at, found);
        }
        else if (model is not null)
        {
            IReadOnlyList<LayerShape> shapes = ModelShapes.Of(model);
            bool anyFollows = false;
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                if (!LayerTiles.FollowsTarget(layer, shapes[i]))
                {
                    continue;
                }

                anyFollows = true;
                var own = new List<Violation>();
                ModelRules.PatternFitsLayer(layer, shapes[i], pattern, at, at, at, own);

                // A [Sparse] fix rewrites the block size inside the attribute's string; here the value is the whole item.
                found.AddRange(own.Select(v => v with { Message = $"{prefix}: {v.Message}", Replacement = null }));
            }

            if (!anyFollows)
            {
                found.Add(new Violation(
                    GridValueInvalidForAxis,
                    $"{prefix} would change nothing: no layer of model '{model.Name}' follows the model-level target (each weight layer has its own [Sparse] or is [KeepDense]); remove the axis, or remove [Sparse] from the layers the pattern should apply to",
                    at));
                return;
            }
        }
    }

    /// <summary>
    /// The values of the 'schedule', 'update_every' and 'drop' axes, once the grid's shortest run of
    /// <paramref name="steps"/> is known: a schedule by <see cref="ScheduleRules"/> (SPD201–205, SPD209, SPD401);
    /// update_every and drop (SPD307) against the steps and against every schedule of the grid they would change.
    /// </summary>
    private static void GridSchedules(ExperimentSpec experiment, ModelSpec? model, int steps, GridCheck grid, List<Violation> found)
    {
        var changed = new List<ChangedSchedule>();
        foreach (GridItem item in grid.TrainingItems.Where(i => i.Axis == GridAxes.Schedule))
        {
            var own = new List<Violation>();
            SparsityScheduleSpec? schedule = ScheduleRules(item.Value.Text!, experiment, model, steps, item.At, own);
            found.AddRange(own.Select(v => v with { Message = $"Value {Describe(item.Value)} of grid axis '{GridAxes.Schedule}': {v.Message}", Target = item.At, Replacement = null }));
            if (schedule is not null)
            {
                changed.Add(new ChangedSchedule($"the grid's schedule {Describe(item.Value)}", schedule));
            }
        }

        if (!grid.Axes.Contains(GridAxes.Schedule) && Expressions.ParseSchedule(experiment.ScheduleText) is { Success: true } declared)
        {
            changed.Add(new ChangedSchedule($"the schedule \"{experiment.ScheduleText}\"", declared.Value!));
        }

        foreach (GridItem item in grid.TrainingItems.Where(i => i.Axis == GridAxes.UpdateEvery))
        {
            int every = (int)item.Value.Number!.Value;
            string? problem = every >= steps
                ? $"must be shorter than the {Show(steps)} training steps{(grid.MinSteps is null ? "" : " of the grid's shortest run")}; use e.g. {Show(Math.Max(1, Math.Min(100, steps / 10)))}"
                : DoesNothing(changed, s => s.Kind == ScheduleKind.Static ? "never updates the mask" : null, "a schedule that updates the mask, such as rigl every=100");
            Report(item, problem, found);
        }

        foreach (GridItem item in grid.TrainingItems.Where(i => i.Axis == GridAxes.Drop))
        {
            double drop = item.Value.Number!.Value;
            string? problem = DoesNothing(
                changed,
                s => s.Kind switch
                {
                    ScheduleKind.Static => "never updates the mask",
                    ScheduleKind.Gmp => "prunes towards its to= sparsity and drops no fraction",
                    _ => null,
                },
                "set, rigl or smet");
            ChangedSchedule? floored = changed.FirstOrDefault(s => (s.Spec.Kind is ScheduleKind.Set or ScheduleKind.Rigl or ScheduleKind.Smet) && s.Spec.DropFloor > drop);
            if (problem is null && floored is not null)
            {
                problem = $"is below the floor={Show(floored.Spec.DropFloor)} of {floored.Described}, the lowest drop fraction it decays to; use a drop of at least {Show(floored.Spec.DropFloor)}, or a lower floor";
            }

            Report(item, problem, found);
        }
    }

    /// <summary>The rest of an SPD307 sentence when a schedule that <paramref name="why"/> describes is among <paramref name="changed"/>, else null.</summary>
    private static string? DoesNothing(List<ChangedSchedule> changed, Func<SparsityScheduleSpec, string?> why, string instead)
    {
        foreach (ChangedSchedule schedule in changed)
        {
            if (why(schedule.Spec) is string reason)
            {
                return $"would do nothing with {schedule.Described}, which {reason}; remove the axis, or use {instead}";
            }
        }

        return null;
    }

    private static void Report(GridItem item, string? problem, List<Violation> found)
    {
        if (problem is not null)
        {
            found.Add(new Violation(GridValueInvalidForAxis, $"Value {Describe(item.Value)} of grid axis '{item.Axis}' {problem}", item.At));
        }
    }
}
