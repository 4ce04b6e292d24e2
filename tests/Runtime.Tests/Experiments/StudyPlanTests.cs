using SparseDsl.Experiments;
using SparseDsl.Language;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>How grid axes resolve into each point's <see cref="RunConfig"/>.</summary>
public sealed class StudyPlanTests
{
    private static StudyDefinition Study(string schedule, params (string Axis, string Values)[] grid) => FitStudy.Definition with
    {
        Schedule = schedule,
        Grid = grid.Select(g => new GridAxisText(g.Axis, g.Values)).ToArray(),
    };

    private static string[] Schedules(StudyDefinition study) => StudyPlan.Resolve(study).Select(p => p.Config.Schedule).ToArray();

    [Fact]
    public void DistributionWrittenBare_ResolvesToTheEnum() =>
        Assert.Equal(
            new[] { Distribution.Uniform, Distribution.Er, Distribution.Erk },
            StudyPlan.Resolve(Study("static", ("distribution", "uniform, 'er', \"erk\""))).Select(p => p.Config.Distribution));

    [Fact]
    public void ScheduleAxis_ReplacesTheDeclaredScheduleVerbatim() =>
        Assert.Equal(
            new[] { "static", "set", "rigl every=100 drop=0.3", "smet  every=50" },
            Schedules(Study("static", ("schedule", "static, set, rigl every=100 drop=0.3, 'smet  every=50'"))));

    [Fact]
    public void PointsWithoutScheduleAxes_KeepTheDeclaredTextAndTheirIds()
    {
        StudyDefinition study = Study("rigl  every=100", ("sparsity", "0, 0.5"));
        IReadOnlyList<StudyPoint> points = StudyPlan.Resolve(study);

        Assert.All(points, p => Assert.Equal("rigl  every=100", p.Config.Schedule));
        Assert.All(points, p => Assert.Null(p.Config.Pattern));
        Assert.Equal(
            new RunConfig(FitStudy.Name, "Tests.FitMlp", "synthetic", 100, 32, 50, "adamw lr=1e-3", "rigl  every=100", 0.5, Distribution.Uniform, 1, null).Id,
            points[1].Id);
    }

    [Fact]
    public void UpdateEvery_WritesTheScheduleWithThatIntervalInCanonicalForm() =>
        Assert.Equal(
            new[]
            {
                "rigl every=50 drop=0.3 cosine floor=0 start=0 until=75% grow=gradient",
                "rigl every=200 drop=0.3 cosine floor=0 start=0 until=75% grow=gradient",
            },
            Schedules(Study("rigl", ("update_every", "50, 200"))));

    [Fact]
    public void Drop_WritesTheScheduleWithThatFractionInCanonicalForm() =>
        Assert.Equal(
            new[] { "set every=100 drop=0.1 constant floor=0 start=0 until=100% grow=random", "set every=100 drop=0.5 constant floor=0 start=0 until=100% grow=random" },
            Schedules(Study("set every=100", ("drop", "0.1, 0.5"))));

    [Fact]
    public void ValueTheScheduleAlreadyHas_KeepsTheDeclaredText() =>
        Assert.Equal(
            new[] { "rigl every=50 drop=0.3 cosine floor=0 start=0 until=75% grow=gradient", "rigl  drop=0.3" },
            Schedules(Study("rigl  drop=0.3", ("update_every", "50, 100"))));

    [Fact]
    public void UpdateEveryAndDrop_ChangeEachValueOfTheScheduleAxisWhateverTheAxisOrder()
    {
        string[] expected =
        {
            "set every=10 drop=0.2 constant floor=0 start=0 until=100% grow=random",
            "smet every=10 drop=0.2 cosine floor=0.005 start=0 until=100% grow=random warmup=50",
        };

        Assert.Equal(expected, Schedules(Study("static", ("update_every", "10"), ("drop", "0.2"), ("schedule", "set, smet warmup=50"))));
        Assert.Equal(expected, Schedules(Study("static", ("schedule", "set, smet warmup=50"), ("drop", "0.2"), ("update_every", "10"))));
    }

    [Fact]
    public void CanonicalSchedule_ParsesBackToTheChangedSpec()
    {
        string schedule = Schedules(Study("smet every=100 until=90% density-lr=0.5", ("update_every", "25")))[0];

        Assert.Equal(
            Expressions.ParseSchedule("smet every=25 until=90% density-lr=0.5").Value,
            Expressions.ParseSchedule(schedule).Value);
    }

    [Fact]
    public void PatternAxis_SetsThePatternTextAndChangesTheId()
    {
        IReadOnlyList<StudyPoint> points = StudyPlan.Resolve(Study("static", ("pattern", "unstructured, block 16x16, 2:4")));

        Assert.Equal(new[] { "unstructured", "block 16x16", "2:4" }, points.Select(p => p.Config.Pattern));
        Assert.Equal(3, points.Select(p => p.Id).Distinct().Count());
        Assert.Contains("\"pattern\":\"2:4\"", points[2].Config.ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("static", "update_every", "10", "cannot change schedule \"static\", which never updates the mask")]
    [InlineData("gmp to=0.9", "drop", "0.2", "cannot change schedule \"gmp to=0.9\", which has no drop fraction")]
    [InlineData("static", "schedule", "1", "grid axis 'schedule' needs expressions, got the number 1")]
    [InlineData("static", "pattern", "2", "grid axis 'pattern' needs expressions, got the number 2")]
    public void AxisThatCannotApply_IsAUserInputError(string schedule, string axis, string values, string message) =>
        Assert.Contains(message, Assert.Throws<UserInputException>(() => StudyPlan.Resolve(Study(schedule, (axis, values)))).Message, StringComparison.Ordinal);
}
