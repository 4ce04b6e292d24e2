namespace SparseDsl.Language.Tests.Validation;

using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

public class ExperimentRulesTests
{
    private static readonly ModelSpec Mlp = SetMlp();

    private static System.Collections.Generic.IReadOnlyList<Violation> Check(ExperimentSpec experiment, ModelSpec? model = null, int max = 10000) =>
        ExperimentRules.Validate(experiment, model ?? Mlp, max);

    private static System.Collections.Generic.IReadOnlyList<Violation> Errors(ExperimentSpec experiment, ModelSpec? model = null) =>
        Check(experiment, model).Where(v => v.Rule.Id != "SPD401").ToList();

    [Fact]
    public void StaticAdamW_IsClean() => Check(Experiment(grid: new[] { ("sparsity", "0, 0.5, 0.9"), ("seed", "1..3") })).Clean();

    [Fact]
    public void EmptyTexts_DoNotParse()
    {
        var violations = Check(Experiment(optimizer: "", schedule: ""));
        Assert.Contains("Optimizer \"\": empty expression", violations.Single("SPD207").Message);
        Assert.Contains("Schedule \"\": empty expression", violations.Single("SPD201").Message);
    }

    [Fact]
    public void DesignStudy_IsValid() =>
        Assert.Empty(ExperimentRules.Validate(Experiment(
            optimizer: "adamw lr=1e-3 wd=1e-4",
            schedule: "rigl every=100 drop=0.3 cosine until=75%",
            steps: 20_000,
            grid: new[] { ("sparsity", "0, 0.5, 0.8, 0.9, 0.95"), ("seed", "1, 2, 3") }), SetMlp()));

    [Fact]
    public void ModelMissing_ReportsSPD005()
    {
        Violation v = ExperimentRules.Validate(Experiment(), null).Single("SPD005");
        Assert.Equal(new ViolationTarget("Examples.Study", Attribute: "Experiment", ArgumentIndex: 0), v.Target);
        Assert.Contains("'Examples.Mlp', which is not a [SparseModel]", v.Message);
    }

    [Fact]
    public void ScheduleDoesNotParse_ReportsSPD201WithColumn()
    {
        Violation v = Check(Experiment(schedule: "rigl every=100 drop=0.3 cosine untl=75%")).Single("SPD201");
        Assert.Equal(32, v.Target.Column);
        Assert.Equal(4, v.Target.Length);
        Assert.Equal("SparsitySchedule", v.Target.Attribute);
        Assert.Contains("unknown option 'untl'", v.Message);
    }

    [Theory]
    [InlineData("set every=0")]
    [InlineData("set every=1000")]
    [InlineData("gmp to=0.9 every=5000")]
    public void UpdateIntervalOutOfRange_ReportsSPD202(string schedule)
    {
        Violation v = Errors(Experiment(schedule: schedule)).Single("SPD202");
        Assert.Equal(schedule.IndexOf("every", System.StringComparison.Ordinal) + 1, v.Target.Column);
        Assert.Contains("shorter than the 1000 training steps", v.Message);
    }

    [Fact]
    public void DefaultIntervalAgainstShortTraining_ReportsSPD202OnWholeText() =>
        Assert.Null(Errors(Experiment(schedule: "rigl", steps: 50)).Single("SPD202").Target.Column);

    [Theory]
    [InlineData("set drop=0", "drop=0")]
    [InlineData("rigl drop=1", "drop=1")]
    [InlineData("smet drop=0.2 floor=0.3", "floor=0.3")]
    [InlineData("smet floor=-0.1", "floor=-0.1")]
    public void DropOutOfRange_ReportsSPD203(string schedule, string option)
    {
        Violation v = Errors(Experiment(schedule: schedule)).Single("SPD203");
        Assert.Equal(schedule.IndexOf(option, System.StringComparison.Ordinal) + 1, v.Target.Column);
        Assert.Equal(option.Length, v.Target.Length);
    }

    [Theory]
    [InlineData("gmp to=0.9 start=80% end=10%", "ends at step 100")]
    [InlineData("set start=1000", "starts at step 1000")]
    [InlineData("rigl until=150%", "after training ends")]
    [InlineData("rigl start=50% until=50%", "not after it starts")]
    public void ScheduleWindowInvalid_ReportsSPD204(string schedule, string message) =>
        Assert.Contains(message, Errors(Experiment(schedule: schedule)).Single("SPD204").Message);

    [Fact]
    public void GmpFinalBelowInitial_ReportsSPD205()
    {
        Violation v = Errors(Experiment(schedule: "gmp from=0.9 to=0.5")).Single("SPD205");
        Assert.Equal(14, v.Target.Column);
        Assert.Contains("use to >= from", v.Message);
    }

    [Fact]
    public void GmpSparsityOutOfRange_ReportsSPD101() =>
        Assert.Contains("gmp to=1.2", Errors(Experiment(schedule: "gmp to=1.2")).Single("SPD101").Message);

    [Fact]
    public void GradientRegrowthOnNOfM_IsClean()
    {
        // Each N:M group regrows by gradient among its own free weights, so RigL runs on N:M (SPD206 is retired).
        ModelSpec model = Model(Input(784), Dense("Hidden", 100, new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4)), Dense("Output", 10));
        Assert.Empty(Errors(Experiment(schedule: "rigl"), model));
        Assert.Empty(Errors(Experiment(schedule: "set grow=gradient"), model));
    }

    [Fact]
    public void OptimizerDoesNotParse_ReportsSPD207WithColumn()
    {
        Violation v = Check(Experiment(optimizer: "adamw lr=1e-3 momentun=0.9")).Single("SPD207");
        Assert.Equal(new ViolationTarget("Examples.Study", Attribute: "Optimizer", ArgumentIndex: 0, Column: 15, Length: 8), v.Target);
    }

    [Theory]
    [InlineData("adamw lr=0", "lr=0", "must be above 0")]
    [InlineData("adamw lr=-1e-3", "lr=-1e-3", "must be above 0")]
    [InlineData("adamw betas=0.9,1", "betas=0.9,1", "must both be in [0, 1)")]
    [InlineData("adamw eps=0", "eps=0", "must be above 0")]
    [InlineData("sgd momentum=1", "momentum=1", "must be in [0, 1)")]
    [InlineData("sgd wd=-1", "wd=-1", "must not be negative")]
    [InlineData("sgd min=2", "min=2", "must be in [0, 1]")]
    [InlineData("adamw warmup=1000", "warmup=1000", "must be shorter than the 1000 training steps")]
    [InlineData("adamw warmup=100%", "warmup=100%", "must be shorter")]
    public void OptimizerValueOutOfRange_ReportsSPD208(string optimizer, string option, string message)
    {
        Violation v = Check(Experiment(optimizer: optimizer)).Single("SPD208");
        Assert.Contains(message, v.Message);
        Assert.Equal(optimizer.IndexOf(option, System.StringComparison.Ordinal) + 1, v.Target.Column);
        Assert.Equal(option.Length, v.Target.Length);
    }

    [Theory]
    [InlineData("sgd density-lr=1", "needs adamw")]
    [InlineData("sgd moment-warmup=100", "needs adamw")]
    [InlineData("adamw density-lr=2", "must be in [0, 1]")]
    [InlineData("adamw moment-warmup=-5", "must not be negative")]
    public void SmetOptionInvalid_ReportsSPD209(string optimizer, string message) =>
        Assert.Contains(message, Check(Experiment(optimizer: optimizer)).Single("SPD209").Message);

    [Fact]
    public void SmetOptionsOnAdamW_AreClean() => Check(Experiment(optimizer: "adamw density-lr=0.5 moment-warmup=100")).Clean();

    [Fact]
    public void UnknownAxis_ReportsSPD301()
    {
        Violation v = Check(Experiment(grid: new[] { ("sparsty", "0.5") })).Single("SPD301");
        Assert.Equal(new ViolationTarget("Examples.Study", Attribute: "Grid", ArgumentIndex: 0, GridAxis: "sparsty", GridIndex: 0), v.Target);
        Assert.Contains("known axes: sparsity, seed, lr, batch, steps, distribution", v.Message);
    }

    [Fact]
    public void AxisValuesDoNotParse_ReportsSPD302WithColumn()
    {
        Violation v = Check(Experiment(grid: new[] { ("sparsity", "0, , 0.9") })).Single("SPD302");
        Assert.Equal(4, v.Target.Column);
        Assert.Equal(1, v.Target.ArgumentIndex);
        Assert.Equal("sparsity", v.Target.GridAxis);
    }

    [Fact]
    public void AxisWithoutValues_ReportsSPD302() =>
        Assert.Contains("empty expression", Check(Experiment(grid: new[] { ("seed", " ") })).Single("SPD302").Message);

    [Fact]
    public void RepeatedValue_ReportsSPD302AtTheRepeat()
    {
        Violation v = Check(Experiment(grid: new[] { ("seed", "1..3, 2") })).Single("SPD302");
        Assert.Equal(7, v.Target.Column);
        Assert.Contains("Value 2 of grid axis 'seed' is repeated", v.Message);
    }

    [Fact]
    public void SameAxisTwice_ReportsSPD303() =>
        Assert.Equal("seed", Check(Experiment(grid: new[] { ("seed", "1"), ("seed", "2") })).Single("SPD303").Target.GridAxis);

    [Fact]
    public void GridAboveLimit_WarnsSPD304()
    {
        Violation v = Check(Experiment(grid: new[] { ("seed", "1..100"), ("lr", "1e-4..1 x2") }), max: 500).Single("SPD304");
        Assert.Equal(RuleSeverity.Warning, v.Rule.Severity);
        Assert.Contains("1400 points, more than the limit of 500", v.Message);
    }

    [Fact]
    public void UnknownData_ReportsSPD305()
    {
        Violation v = Check(Experiment(data: "mnist")).Single("SPD305");
        Assert.Equal("Data", v.Target.ArgumentName);
        Assert.Contains("known data sets: fashion-mnist, synthetic, brown, text:PATH", v.Message);
    }

    [Theory]
    [InlineData(0, 128, 0, "Steps")]
    [InlineData(1000, 0, 0, "Batch")]
    [InlineData(1000, 128, -1, "EvalEvery")]
    [InlineData(1000, 128, 2000, "EvalEvery")]
    public void TrainingLengthInvalid_ReportsSPD306(int steps, int batch, int eval, string argument) =>
        Assert.Equal(argument, Check(Experiment(steps: steps, batch: batch, evalEvery: eval)).Single("SPD306").Target.ArgumentName);

    [Fact]
    public void EvalOnlyAtEnd_IsClean() => Check(Experiment(evalEvery: 0)).Clean();

    [Theory]
    [InlineData("sparsity", "0.5, 1", 6)]
    [InlineData("sparsity", "\"erk\"", 1)]
    [InlineData("seed", "1.5", 1)]
    [InlineData("seed", "-1", 1)]
    [InlineData("lr", "0", 1)]
    [InlineData("batch", "64, 0.5", 5)]
    [InlineData("steps", "0", 1)]
    [InlineData("distribution", "\"uniform\", \"erdos\"", 12)]
    [InlineData("distribution", "1", 1)]
    public void ValueInvalidForAxis_ReportsSPD307(string axis, string values, int column) =>
        Assert.Equal(column, Check(Experiment(grid: new[] { (axis, values) })).Single("SPD307").Target.Column);

    [Fact]
    public void ValidAxisValues_AreClean() => Check(Experiment(grid: new[]
    {
        ("sparsity", "0, 0.5, 0.9"), ("seed", "0..2"), ("lr", "1e-4..1e-2 x10"), ("batch", "32..128 x2"), ("steps", "500, 1k"),
        ("distribution", "\"uniform\", \"er\", \"erk\""),
    })).Clean();

    [Fact]
    public void StepsAxis_ShortensTheScheduleCheck() =>
        Assert.Contains("shorter than the 50 training steps", Errors(Experiment(schedule: "set every=100", steps: 1000, grid: new[] { ("steps", "50, 1000") })).Single("SPD202").Message);

    [Fact]
    public void SparsityAxisWithoutFreeLayer_ReportsSPD106()
    {
        ModelSpec model = Model(Input(4), Dense("Hidden", 8, SparsityPatternSpec.Unstructured, 0.5), Dense("Output", 10, keepDense: true));
        Violation v = Check(Experiment(grid: new[] { ("sparsity", "0, 0.9") }), model).Single("SPD106");
        Assert.Equal(4, v.Target.Column);
    }

    [Theory]
    [InlineData("gmp to=0.9")]
    [InlineData("set")]
    [InlineData("rigl every=100 drop=0.3 cosine until=75%")]
    [InlineData("smet")]
    public void DynamicSchedule_IsSupported(string schedule) =>
        Assert.DoesNotContain(ExperimentRules.Validate(Experiment(schedule: schedule), SetMlp()), v => v.Rule.Id == "SPD401");

    [Theory]
    [InlineData("set grow=momentum")]
    [InlineData("rigl grow=momentum")]
    public void MomentumRegrowth_WarnsSPD401AtTheGrowOption(string schedule)
    {
        Violation v = Check(Experiment(schedule: schedule)).Single("SPD401");
        Assert.Contains("use grow=random or grow=gradient", v.Message);
        Assert.Equal(schedule.IndexOf("grow=", System.StringComparison.Ordinal) + 1, v.Target.Column);
    }
}
