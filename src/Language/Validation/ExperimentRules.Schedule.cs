using System.Collections.Generic;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

public static partial class ExperimentRules
{
    private const string SparsitySchedule = "SparsitySchedule";

    private static void Schedule(ExperimentSpec experiment, ModelSpec? model, int steps, ViolationTarget type, List<Violation> found) =>
        ScheduleRules(experiment.ScheduleText, experiment, model, steps, type with { Attribute = SparsitySchedule, ArgumentIndex = 0 }, found);

    /// <summary>
    /// The rules of one schedule expression, the [SparsitySchedule] or a value of the 'schedule' grid axis: SPD201
    /// (parse), SPD202–206, SPD209 (SMET's method against the experiment's optimizer) and SPD401 (grow=momentum), reported at spans
    /// of <paramref name="argument"/> inside <paramref name="text"/>. Returns the schedule, or null when it does not parse.
    /// </summary>
    private static SparsityScheduleSpec? ScheduleRules(string text, ExperimentSpec experiment, ModelSpec? model, int steps, ViolationTarget argument, List<Violation> found)
    {
        ParseResult<SparsityScheduleSpec> parsed = Expressions.ParseSchedule(text);
        if (!parsed.Success)
        {
            ParseError error = parsed.Error!;
            found.Add(new Violation(ScheduleDoesNotParse, $"Schedule \"{text}\": {error.Message}", argument.At(error.Column, error.Length)));
            return null;
        }

        SparsityScheduleSpec schedule = parsed.Value!;
        if (schedule.Kind == ScheduleKind.Static)
        {
            return schedule;
        }

        string kind = schedule.Kind.ToString().ToLowerInvariant();
        if (schedule.Every <= 0 || schedule.Every >= steps)
        {
            found.Add(new Violation(
                UpdateIntervalOutOfRange,
                $"Update interval every={Show(schedule.Every)} of '{kind}' must be positive and shorter than the {Show(steps)} training steps; use e.g. every={Show(System.Math.Max(1, System.Math.Min(100, steps / 10)))}",
                Option(argument, text, "every")));
        }

        if (schedule.Kind == ScheduleKind.Gmp)
        {
            Gmp(schedule, text, argument, found);
        }
        else
        {
            Drop(schedule, text, kind, argument, found);
        }

        Window(schedule, text, kind, steps, argument, found);
        SmetRecipe(schedule, text, experiment.OptimizerText, argument, found);

        if (schedule.Regrowth == RegrowthKind.Momentum)
        {
            found.Add(new Violation(
                NotSupportedYet,
                $"'{kind}' regrows by momentum (SNFS), which this version cannot run yet: sparse storage keeps no momentum for inactive weights, so SparseDsl generates no program for this experiment; use grow=random or grow=gradient",
                Option(argument, text, "grow")));
        }

        return schedule;
    }

    private static void Gmp(SparsityScheduleSpec schedule, string text, ViolationTarget argument, List<Violation> found)
    {
        bool fromOk = InRange(schedule.InitialSparsity, "from", text, argument, found);
        bool toOk = InRange(schedule.FinalSparsity, "to", text, argument, found);
        if (fromOk && toOk && schedule.FinalSparsity < schedule.InitialSparsity)
        {
            found.Add(new Violation(
                GmpFinalBelowInitial,
                $"gmp final sparsity to={Show(schedule.FinalSparsity)} is below its initial sparsity from={Show(schedule.InitialSparsity)}; pruning only increases sparsity, so use to >= from",
                Option(argument, text, "to")));
        }
    }

    private static bool InRange(double sparsity, string key, string text, ViolationTarget argument, List<Violation> found)
    {
        if (sparsity >= 0 && sparsity < 1)
        {
            return true;
        }

        found.Add(new Violation(
            SparsityOutOfRange,
            $"gmp {key}={Show(sparsity)} must be a sparsity in [0, 1); use a value like 0.9",
            Option(argument, text, key)));
        return false;
    }

    private static void Drop(SparsityScheduleSpec schedule, string text, string kind, ViolationTarget argument, List<Violation> found)
    {
        if (!(schedule.Drop > 0 && schedule.Drop < 1))
        {
            found.Add(new Violation(
                DropFractionOutOfRange,
                $"Drop fraction drop={Show(schedule.Drop)} of '{kind}' must be in (0, 1); use e.g. drop=0.3",
                Option(argument, text, "drop")));
        }
        else if (!(schedule.DropFloor >= 0 && schedule.DropFloor <= schedule.Drop))
        {
            found.Add(new Violation(
                DropFractionOutOfRange,
                $"Drop floor floor={Show(schedule.DropFloor)} of '{kind}' must be in [0, drop={Show(schedule.Drop)}]; use e.g. floor=0.005",
                Option(argument, text, "floor")));
        }
    }

    private static void Window(SparsityScheduleSpec schedule, string text, string kind, int steps, ViolationTarget argument, List<Violation> found)
    {
        string endKey = schedule.Kind == ScheduleKind.Gmp ? "end" : "until";
        int start = schedule.Start.Resolve(steps);
        int end = schedule.End.Resolve(steps);
        if (start < 0 || start >= steps)
        {
            found.Add(new Violation(
                ScheduleWindowInvalid,
                $"'{kind}' starts at step {Show(start)} (start={schedule.Start}), outside the {Show(steps)} training steps; start between 0 and {Show(steps - 1)}",
                Option(argument, text, "start")));
        }
        else if (end <= start)
        {
            // Point at what was written: the end when given, else the start that passed the default end.
            bool endWritten = FindOption(text, endKey) >= 0;
            found.Add(new Violation(
                ScheduleWindowInvalid,
                endWritten
                    ? $"'{kind}' ends at step {Show(end)} ({endKey}={schedule.End}), not after it starts at step {Show(start)}; make {endKey} later than start"
                    : $"'{kind}' ends at step {Show(end)} (default {endKey}={schedule.End}), not after it starts at step {Show(start)} (start={schedule.Start}); start earlier, or give a later {endKey}",
                Option(argument, text, endWritten ? endKey : "start")));
        }
        else if (end > steps)
        {
            found.Add(new Violation(
                ScheduleWindowInvalid,
                $"'{kind}' ends at step {Show(end)} ({endKey}={schedule.End}), after training ends at step {Show(steps)}; use at most {endKey}=100%",
                Option(argument, text, endKey)));
        }
    }

    /// <summary>
    /// SPD209 for SMET's method written in the schedule: <c>warmup=</c> at least 1 step, <c>density-lr=</c> in [0, 1],
    /// an optimizer that keeps moments (adamw), and a value given in both the schedule and the optimizer
    /// (<c>moment-warmup=</c>, <c>density-lr=</c>) the same in both, since <see cref="SmetMethod.EffectiveOptimizer"/>
    /// can train with only one.
    /// </summary>
    private static void SmetRecipe(SparsityScheduleSpec schedule, string text, string optimizerText, ViolationTarget argument, List<Violation> found)
    {
        if (schedule.Kind != ScheduleKind.Smet)
        {
            return;
        }

        if (schedule.MomentWarmupSteps is int warmup && warmup < 1)
        {
            found.Add(new Violation(
                SmetOptionInvalid,
                $"Moment warm-up warmup={Show(warmup)} of 'smet' must be at least 1 step (the first moment is scaled by min(age / W, 1)); use e.g. warmup=100, or leave it out for SMET's {Show(SmetMethod.DefaultMomentWarmupSteps)}",
                Option(argument, text, "warmup")));
        }

        if (schedule.DensityLrExponent is double exponent && !(exponent >= 0 && exponent <= 1))
        {
            found.Add(new Violation(
                SmetOptionInvalid,
                $"Density exponent density-lr={Show(exponent)} of 'smet' must be in [0, 1] (lr = lr0 / d^exponent); use density-lr=1 or density-lr=0.5",
                Option(argument, text, "density-lr")));
        }

        ParseResult<OptimizerSpec> parsed = Expressions.ParseOptimizer(optimizerText);
        if (!parsed.Success)
        {
            return; // SPD207, on the optimizer
        }

        OptimizerSpec optimizer = parsed.Value!;
        if (optimizer.Kind != OptimizerKind.AdamW)
        {
            int kindAt = text.Length - text.TrimStart().Length;
            found.Add(new Violation(
                SmetOptionInvalid,
                $"Schedule 'smet' needs adamw: SMET keeps Adam's moments for each active weight, warms up the first moment and scales the learning rate by density, but the optimizer \"{optimizerText}\" is sgd, which keeps no moments; use [Optimizer(\"adamw ...\")], or a schedule such as set",
                argument.At(kindAt + 1, "smet".Length)));
            return;
        }

        if (schedule.MomentWarmupSteps is int inSchedule && optimizer.MomentWarmupSteps is int inOptimizer && inSchedule != inOptimizer)
        {
            found.Add(new Violation(
                SmetOptionInvalid,
                $"SMET's first-moment warm-up is given twice with different values: warmup={Show(inSchedule)} in the schedule \"{text}\" and moment-warmup={Show(inOptimizer)} in the optimizer \"{optimizerText}\"; give it once, in the schedule (smet warmup=) or in the optimizer (moment-warmup=)",
                Option(argument, text, "warmup")));
        }

        if (schedule.DensityLrExponent is double scheduleExponent && optimizer.DensityLrExponent is double optimizerExponent && scheduleExponent != optimizerExponent)
        {
            found.Add(new Violation(
                SmetOptionInvalid,
                $"SMET's density exponent is given twice with different values: density-lr={Show(scheduleExponent)} in the schedule \"{text}\" and density-lr={Show(optimizerExponent)} in the optimizer \"{optimizerText}\"; give it once, in the schedule or in the optimizer",
                Option(argument, text, "density-lr")));
        }
    }
}
