namespace SparseDsl.Language.Tests.Expressions;

using SparseDsl.Language;
using E = SparseDsl.Language.Expressions;

public class ScheduleTests
{
    private static SparsityScheduleSpec Ok(string text)
    {
        ParseResult<SparsityScheduleSpec> result = E.ParseSchedule(text);
        Assert.True(result.Success, result.Error?.ToString());
        return result.Value!;
    }

    private static ParseError Bad(string text)
    {
        ParseResult<SparsityScheduleSpec> result = E.ParseSchedule(text);
        Assert.False(result.Success);
        return result.Error!;
    }

    [Fact]
    public void Static_Parses() => Assert.Equal(SparsityScheduleSpec.Static, Ok("static"));

    [Fact]
    public void Gmp_AllOptions() => Assert.Equal(
        new SparsityScheduleSpec(ScheduleKind.Gmp, Every: 100, Start: StepAmount.Fraction(0.1), End: StepAmount.Fraction(0.8), InitialSparsity: 0, FinalSparsity: 0.9),
        Ok("gmp from=0 to=0.9 start=10% end=80% every=100"));

    [Fact]
    public void Gmp_StepCounts() => Assert.Equal(
        new SparsityScheduleSpec(ScheduleKind.Gmp, Every: 50, Start: StepAmount.Steps(1000), End: StepAmount.Steps(8000), InitialSparsity: 0.5, FinalSparsity: 0.95),
        Ok("gmp to=0.95 from=0.5 start=1000 end=8000 every=50"));

    [Fact]
    public void Set_Defaults() => Assert.Equal(
        new SparsityScheduleSpec(ScheduleKind.Set, Every: 100, Drop: 0.3, Decay: DropDecay.Constant, End: StepAmount.Fraction(1), Regrowth: RegrowthKind.Random),
        Ok("set"));

    [Fact]
    public void Set_CosineUntil()
    {
        SparsityScheduleSpec spec = Ok("set every=100 drop=0.3 cosine until=75%");
        Assert.Equal(DropDecay.Cosine, spec.Decay);
        Assert.Equal(StepAmount.Fraction(0.75), spec.End);
        Assert.Equal(RegrowthKind.Random, spec.Regrowth);
    }

    [Fact]
    public void Rigl_DefaultsMatchPaper()
    {
        SparsityScheduleSpec expected = new(ScheduleKind.Rigl, Every: 100, Drop: 0.3, Decay: DropDecay.Cosine, End: StepAmount.Fraction(0.75), Regrowth: RegrowthKind.Gradient);
        Assert.Equal(expected, Ok("rigl"));
        Assert.Equal(expected, Ok("rigl every=100 drop=0.3 cosine until=75%"));
    }

    [Fact]
    public void Smet_DefaultsMatchPaper()
    {
        SparsityScheduleSpec expected = new(ScheduleKind.Smet, Every: 100, Drop: 0.2, Decay: DropDecay.Cosine, DropFloor: 0.005, End: StepAmount.Fraction(1), Regrowth: RegrowthKind.Random);
        Assert.Equal(expected, Ok("smet"));
        Assert.Equal(expected, Ok("smet every=100 drop=0.2 cosine floor=0.005"));
    }

    [Theory]
    [InlineData("rigl grow=random", RegrowthKind.Random)]
    [InlineData("set grow=gradient", RegrowthKind.Gradient)]
    [InlineData("smet grow=momentum", RegrowthKind.Momentum)]
    public void GrowOverride_Parses(string text, RegrowthKind growth) => Assert.Equal(growth, Ok(text).Regrowth);

    [Fact]
    public void StartAndUntilInSteps_Parse()
    {
        SparsityScheduleSpec spec = Ok("set start=500 until=15000 constant");
        Assert.Equal(StepAmount.Steps(500), spec.Start);
        Assert.Equal(StepAmount.Steps(15000), spec.End);
    }

    [Theory]
    [InlineData("static every=100", 8, 5, "unexpected 'every'; expected end of input (static takes no options)")]
    [InlineData("rigid", 1, 5, "unexpected 'rigid'; expected a schedule: static, gmp, set, rigl or smet")]
    [InlineData("gmp from=0", 11, 0, "expected to=<final sparsity>")]
    [InlineData("rigl every=100 drop=0.3 cosine untl=75%", 32, 4, "unknown option 'untl' for rigl")]
    [InlineData("rigl every=1.5", 12, 3, "expected an update interval")]
    [InlineData("rigl every=100 every=200", 16, 5, "duplicate option 'every'")]
    [InlineData("rigl cosine constant", 13, 8, "conflicts with 'cosine'")]
    [InlineData("rigl grow=magnitude", 11, 9, "unexpected 'magnitude'; expected random, gradient or momentum")]
    [InlineData("gmp to=0.9 until=80%", 12, 5, "unknown option 'until' for gmp")]
    [InlineData("set end=80%", 5, 3, "unknown option 'end' for set")]
    [InlineData("rigl until=0.5", 12, 3, "expected a step count such as 200 or a percentage such as 5%")]
    public void InvalidSchedule_ReportsColumn(string text, int column, int length, string message)
    {
        ParseError error = Bad(text);
        Assert.Equal(column, error.Column);
        Assert.Equal(length, error.Length);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void SmetWithoutMethodOptions_LeavesThemUnset()
    {
        SparsityScheduleSpec spec = Ok("smet");

        Assert.Null(spec.MomentWarmupSteps);
        Assert.Null(spec.DensityLrExponent);
    }

    [Fact]
    public void SmetMethodOptions_Parse()
    {
        SparsityScheduleSpec spec = Ok("smet every=100 warmup=50 density-lr=0.5");

        Assert.Equal(50, spec.MomentWarmupSteps);
        Assert.Equal(0.5, spec.DensityLrExponent);
        Assert.Equal(Ok("smet") with { MomentWarmupSteps = 50, DensityLrExponent = 0.5 }, spec);
    }

    [Fact]
    public void SmetMethodOptionsOutOfRange_StillParse()
    {
        // Ranges are rules (SPD209), not grammar, so the message can say what the value means.
        Assert.Equal(0, Ok("smet warmup=0").MomentWarmupSteps);
        Assert.Equal(2.0, Ok("smet density-lr=2").DensityLrExponent);
    }

    [Theory]
    [InlineData("rigl warmup=100", 6, 6, "unknown option 'warmup' for rigl; known options: every=, drop=, constant, cosine, floor=, start=, until=, grow=")]
    [InlineData("set density-lr=1", 5, 10, "unknown option 'density-lr' for set")]
    [InlineData("gmp to=0.9 warmup=100", 12, 6, "unknown option 'warmup' for gmp")]
    [InlineData("smet warmup=1.5", 13, 3, "expected a whole number of first-moment warm-up steps such as 100")]
    [InlineData("smet warmup=5%", 13, 2, "expected a whole number of first-moment warm-up steps such as 100")]
    [InlineData("smet density-lr=x", 17, 1, "expected a density exponent such as 1 or 0.5")]
    [InlineData("smet warmup=100 warmup=10", 17, 6, "duplicate option 'warmup'")]
    public void SmetMethodOptionsElsewhereOrMistyped_ReportColumn(string text, int column, int length, string message)
    {
        ParseError error = Bad(text);
        Assert.Equal(column, error.Column);
        Assert.Equal(length, error.Length);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void UnknownSmetOption_ListsTheMethodOptions() =>
        Assert.Contains("known options: every=, drop=, constant, cosine, floor=, start=, until=, grow=, warmup=, density-lr=", Bad("smet foo=1").Message);

    [Fact]
    public void UnknownScheduleOption_ListsKnownOptions() =>
        Assert.Contains("every=, drop=, constant, cosine, floor=, start=, until=, grow=", Bad("smet foo=1").Message);
}
