namespace SparseDsl.Language.Tests.Validation;

using System.Collections.Generic;
using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

/// <summary>The grid axes 'schedule', 'pattern', 'update_every' and 'drop': judged by the attributes' rules, at the value.</summary>
public class GridTrainingAxesTests
{
    private static IReadOnlyList<Violation> Check(ExperimentSpec experiment, ModelSpec? model = null) =>
        ExperimentRules.Validate(experiment, model ?? SetMlp());

    private static IReadOnlyList<Violation> Errors(ExperimentSpec experiment, ModelSpec? model = null) =>
        Check(experiment, model).Where(v => v.IsError).ToList();

    private static ExperimentSpec Grid(string axis, string values, string schedule = "static", string optimizer = "adamw lr=1e-3", int steps = 1000) =>
        Experiment(optimizer: optimizer, schedule: schedule, steps: steps, grid: new[] { (axis, values) });

    /// <summary>The violation is at <paramref name="value"/>, the last item of <paramref name="values"/> written so.</summary>
    private static void At(Violation violation, string axis, string values, string value)
    {
        Assert.Equal("Grid", violation.Target.Attribute);
        Assert.Equal(axis, violation.Target.GridAxis);
        Assert.Equal(1, violation.Target.ArgumentIndex);
        Assert.Equal(values.LastIndexOf(value, System.StringComparison.Ordinal) + 1, violation.Target.Column);
        Assert.Equal(value.Length, violation.Target.Length);
    }

    [Fact]
    public void NewAxes_AreKnown() =>
        Assert.Contains("known axes: sparsity, seed, lr, batch, steps, distribution, schedule, pattern, update_every, drop", Check(Grid("schedul", "static")).Single("SPD301").Message);

    [Fact]
    public void ScheduleValues_WarnSPD401AtTheMomentumValueOnly()
    {
        const string values = "static, set, 'rigl every=100 drop=0.3', set grow=momentum";
        IReadOnlyList<Violation> violations = Check(Grid("schedule", values));

        Assert.Equal(new[] { "SPD401" }, violations.Ids());
        Assert.Contains("Value \"set grow=momentum\" of grid axis 'schedule': 'set' regrows by momentum (SNFS)", violations[0].Message);
    }

    [Fact]
    public void ScheduleValueThatDoesNotParse_ReportsSPD201AtTheValue()
    {
        const string values = "static, sett";
        Violation v = Check(Grid("schedule", values)).Single("SPD201");

        At(v, "schedule", values, "sett");
        Assert.Contains("Value \"sett\" of grid axis 'schedule': Schedule \"sett\": unexpected 'sett'", v.Message);
    }

    [Theory]
    [InlineData("rigl every=5000", "SPD202", "shorter than the 1000 training steps")]
    [InlineData("set drop=1.5", "SPD203", "drop=1.5")]
    [InlineData("rigl start=90% until=50%", "SPD204", "not after it starts")]
    [InlineData("gmp from=0.9 to=0.5", "SPD205", "below its initial sparsity")]
    [InlineData("smet warmup=0", "SPD209", "must be at least 1 step")]
    public void ScheduleValueBreakingAScheduleRule_ReportsThatRuleAtTheValue(string schedule, string id, string message)
    {
        string values = "static, " + schedule;
        Violation v = Check(Grid("schedule", values)).Single(id);

        At(v, "schedule", values, schedule);
        Assert.Contains(message, v.Message);
    }

    [Fact]
    public void SmetScheduleValueWithSgd_ReportsSPD209SayingItNeedsAdamw()
    {
        const string values = "set, smet";
        Violation v = Check(Grid("schedule", values, optimizer: "sgd lr=0.1")).Single("SPD209");

        At(v, "schedule", values, "smet");
        Assert.Contains("Schedule 'smet' needs adamw", v.Message);
    }

    [Fact]
    public void SmetScheduleValueDifferingFromTheOptimizer_ReportsSPD209NamingBoth()
    {
        Violation v = Check(Grid("schedule", "smet warmup=50", optimizer: "adamw moment-warmup=100")).Single("SPD209");

        Assert.Contains("warmup=50 in the schedule \"smet warmup=50\" and moment-warmup=100 in the optimizer", v.Message);
    }

    [Fact]
    public void GradientRegrowthValueOnAnNOfMModel_IsClean()
    {
        // N:M groups regrow by gradient within each group (SPD206 is retired).
        ModelSpec model = Model(0.5, Distribution.Uniform, Input(16), Dense("Hidden", 8, new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4)), Dense("Output", 4));
        Errors(Grid("schedule", "set, rigl, set grow=gradient"), model).Clean();
    }

    [Fact]
    public void NumberOnTheScheduleAxis_ReportsSPD307() =>
        Assert.Contains("must be a schedule such as static, set or rigl every=100, not a number", Check(Grid("schedule", "static, 1")).Single("SPD307").Message);

    [Fact]
    public void ScheduleAxisStepsCheck_UsesTheShortestRun()
    {
        ExperimentSpec experiment = Experiment(steps: 1000, grid: new[] { ("schedule", "rigl every=100"), ("steps", "50, 1000") });

        Assert.Contains("shorter than the 50 training steps", Errors(experiment).Single("SPD202").Message);
    }

    [Fact]
    public void PatternValuesThatFitEveryFollowingLayer_AreValid() =>
        Assert.Empty(Check(Grid("pattern", "unstructured, block 8x8, 2:4, rows")));

    [Fact]
    public void BlockThatDoesNotDivideTheFollowingLayers_ReportsSPD103PerLayerAtTheValueWithoutAFix()
    {
        const string values = "unstructured, block 48x48";
        List<Violation> found = Errors(Grid("pattern", values)).ToList();

        Assert.Equal(new[] { "SPD103", "SPD103", "SPD103" }, found.Ids());
        Assert.All(found, v => At(v, "pattern", values, "block 48x48"));
        Assert.All(found, v => Assert.Null(v.Replacement));
        Assert.Contains("Value \"block 48x48\" of grid axis 'pattern': Block 48x48 does not divide layer 'Hidden1' (1000 outputs x 784 inputs)", found[0].Message);
        Assert.Contains("layer 'Hidden3'", found[2].Message);
    }

    [Theory]
    [InlineData("2:3", "SPD104", "M = 3 of pattern 2:3 does not divide the 784 inputs of layer 'Hidden1'")]
    [InlineData("4:4", "SPD104", "needs 1 <= N < M")]
    [InlineData("block 2000", "SPD108", "Block 2000x2000 is larger than layer 'Hidden1'")]
    [InlineData("blok 16", "SPD102", "Value \"blok 16\" of grid axis 'pattern' does not parse at column 1")]
    public void PatternValueBreakingAPatternRule_ReportsThatRuleAtTheValue(string pattern, string id, string message)
    {
        string values = "unstructured, " + pattern;
        Violation v = Errors(Grid("pattern", values)).First(e => e.Rule.Id == id);

        At(v, "pattern", values, pattern);
        Assert.Contains(message, v.Message);
    }

    [Fact]
    public void PatternValue_IsJudgedOnlyOnTheLayersThatFollowTheTarget()
    {
        // Hidden1 (1024 x 784) has its own [Sparse]; 32 does not divide its 784 inputs, but the grid does not change it.
        ModelSpec model = Model(
            0.9,
            Distribution.Erk,
            Input(784),
            Dense("Hidden1", 1024, SparsityPatternSpec.Unstructured, 0.5),
            Dense("Hidden2", 96),
            Dense("Output", 10, keepDense: true));

        Assert.Empty(Check(Grid("pattern", "block 32x32"), model));
        Assert.Equal(new[] { "SPD103" }, Errors(Grid("pattern", "block 64x64"), model).Ids());
    }

    [Fact]
    public void NOfMPatternValueWithGradientRegrowth_IsClean() =>
        Errors(Grid("pattern", "unstructured, 2:4", schedule: "rigl")).Clean();

    [Fact]
    public void NOfMPatternValueWithRandomRegrowth_IsClean() =>
        Errors(Experiment(grid: new[] { ("pattern", "unstructured, 2:4"), ("schedule", "static, set, smet, rigl grow=random, gmp to=0.9") })).Clean();

    [Fact]
    public void PatternAxisWithoutAFollowingLayer_ReportsSPD307()
    {
        ModelSpec model = Model(0, Distribution.Uniform, Input(16), Dense("Hidden", 8, SparsityPatternSpec.Unstructured, 0.5), Dense("Output", 4, keepDense: true));
        Violation v = Check(Grid("pattern", "unstructured"), model).Single("SPD307");

        Assert.Contains("would change nothing: no layer of model 'Mlp' follows the model-level target", v.Message);
    }

    [Fact]
    public void NumberOnThePatternAxis_ReportsSPD307() =>
        Assert.Contains("must be a pattern such as unstructured, block 16x16 or 2:4, not a number", Check(Grid("pattern", "0.5")).Single("SPD307").Message);

    [Fact]
    public void UpdateEveryOnADynamicSchedule_IsValid() =>
        Assert.Empty(Check(Grid("update_every", "50, 100, 200", schedule: "rigl")).Ids());

    [Theory]
    [InlineData("0", "must be a whole number of steps above 0")]
    [InlineData("-5", "must be a whole number of steps above 0")]
    [InlineData("12.5", "must be a whole number of steps above 0")]
    [InlineData("1000", "must be shorter than the 1000 training steps; use e.g. 100")]
    [InlineData("every", "must be a number, not a string")]
    public void UpdateEveryOutOfRange_ReportsSPD307AtTheValue(string value, string message)
    {
        string values = "50, " + value;
        Violation v = Errors(Grid("update_every", values, schedule: "set")).Single("SPD307");

        At(v, "update_every", values, value);
        Assert.Contains(message, v.Message);
    }

    [Fact]
    public void UpdateEveryAtLeastTheShortestRun_SaysSo() =>
        Assert.Contains(
            "must be shorter than the 500 training steps of the grid's shortest run",
            Errors(Experiment(schedule: "set", grid: new[] { ("update_every", "500"), ("steps", "500, 2000") })).Single("SPD307").Message);

    [Fact]
    public void UpdateEveryWithAStaticSchedule_ReportsSPD307AtEachValue()
    {
        IReadOnlyList<Violation> found = Errors(Grid("update_every", "50, 100"));

        Assert.Equal(new[] { "SPD307", "SPD307" }, found.Ids());
        Assert.Contains("Value 50 of grid axis 'update_every' would do nothing with the schedule \"static\", which never updates the mask", found[0].Message);
    }

    [Fact]
    public void UpdateEveryWithAStaticValueOfTheScheduleAxis_ReportsSPD307WhateverTheAxisOrder()
    {
        var before = Experiment(schedule: "rigl", grid: new[] { ("update_every", "50"), ("schedule", "static, rigl") });
        var after = Experiment(schedule: "rigl", grid: new[] { ("schedule", "static, rigl"), ("update_every", "50") });

        Assert.Contains("would do nothing with the grid's schedule \"static\"", Errors(before).Single("SPD307").Message);
        Assert.Contains("would do nothing with the grid's schedule \"static\"", Errors(after).Single("SPD307").Message);
    }

    [Fact]
    public void UpdateEveryWithOnlyDynamicScheduleValues_IsCleanEvenOverAStaticDeclaration() =>
        Errors(Experiment(schedule: "static", grid: new[] { ("schedule", "set, rigl, gmp to=0.9"), ("update_every", "50") })).Clean();

    [Theory]
    [InlineData("set")]
    [InlineData("rigl every=100 cosine")]
    [InlineData("smet")]
    public void DropOnASchedulesThatDrops_IsClean(string schedule) => Errors(Grid("drop", "0.1, 0.3, 0.5", schedule: schedule)).Clean();

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-0.5")]
    public void DropOutsideTheOpenUnitInterval_ReportsSPD307AtTheValue(string value)
    {
        string values = "0.3, " + value;
        Violation v = Errors(Grid("drop", values, schedule: "set")).Single("SPD307");

        At(v, "drop", values, value);
        Assert.Contains("must be a drop fraction in (0, 1)", v.Message);
    }

    [Theory]
    [InlineData("static", "which never updates the mask")]
    [InlineData("gmp to=0.9", "which prunes towards its to= sparsity and drops no fraction")]
    public void DropWithAScheduleThatDropsNothing_ReportsSPD307(string schedule, string message) =>
        Assert.Contains(message, Errors(Grid("drop", "0.3", schedule: schedule)).Single("SPD307").Message);

    [Fact]
    public void DropBelowTheSchedulesFloor_ReportsSPD307()
    {
        Violation v = Errors(Grid("drop", "0.2, 0.001", schedule: "smet")).Single("SPD307");

        Assert.Contains("Value 0.001 of grid axis 'drop' is below the floor=0.005 of the schedule \"smet\"", v.Message);
    }
}
