using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD307: a [Grid] value that parses but is invalid for its axis (sparsity 1.2, negative lr, fractional seed, ...).</summary>
public sealed class SPD307Tests
{
    [Fact]
    public void ValidValuesOnEveryAxis_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("sparsity", "0, 0.5, 0.99")]
            [Grid("seed", "0..2")]
            [Grid("lr", "1e-4..1e-2 x10")]
            [Grid("batch", "32, 1k")]
            [Grid("steps", "500, 1k")]
            [Grid("distribution", "\"uniform\", \"er\", \"erk\"")]
            """));

    [Fact]
    public void DistributionsWrittenBare_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"uniform, er, erk\")]"));

    [Fact]
    public void WordOnANumericAxis_ReportsSPD307AtTheWord() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"sparsity\", \"0.5, {|SPD307:high|}\")]"));

    [Fact]
    public void UnknownBareDistribution_ReportsSPD307AtTheName() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"uniform, {|SPD307:erdos renyi|} , erk\")]"));

    [Theory]
    [InlineData("1.2")]
    [InlineData("1")]
    [InlineData("-0.1")]
    public void SparsityOutsideHalfOpenUnitInterval_ReportsSPD307AtTheValue(string value) =>
        AnalyzerHarness.Verify(Declarations.WithGridLines($"[Grid(\"sparsity\", \"0.5, {{|SPD307:{value}|}}\")]"));

    [Theory]
    [InlineData("0")]
    [InlineData("-1e-3")]
    public void LearningRateNotPositive_ReportsSPD307AtTheValue(string value) =>
        AnalyzerHarness.Verify(Declarations.WithGridLines($"[Grid(\"lr\", \"{{|SPD307:{value}|}}, 1e-3\")]"));

    [Fact]
    public void FractionalOrNegativeSeed_ReportsSPD307AtEachValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"seed\", \"1, {|SPD307:1.5|}, {|SPD307:-1|}\")]"));

    [Fact]
    public void ZeroOrFractionalBatch_ReportsSPD307AtEachValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"batch\", \"{|SPD307:0|}, {|SPD307:0.5|}, 64\")]"));

    [Fact]
    public void ZeroSteps_ReportsSPD307AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"steps\", \"{|SPD307:0|}, 1000\")]"));

    [Fact]
    public void StringOnANumericAxis_ReportsSPD307AtTheString() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"sparsity\", \"0.5, {|SPD307:\\\"x\\\"|}\")]"));

    [Fact]
    public void StringOnANumericAxis_ReportsSPD307()
    {
        var diagnostic = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"sparsity\", \"0.5, \\\"x\\\"\")]"), "SPD307");

        Assert.Contains("Value \"x\" of grid axis 'sparsity' must be a number, not a string", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NumberOnTheDistributionAxis_ReportsSPD307AtTheNumber() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"distribution\", \"{|SPD307:1|}\")]"));

    [Fact]
    public void PercentSparsity_ReadsAsAFraction() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"sparsity\", \"50%, 90%\")]"));

    [Fact]
    public void SparsityTheModelCannotReach_ReportsSPD106AtTheValue()
    {
        // Every weight layer has its own sparsity or is kept dense, so a grid target above 0 has nothing to apply to.
        string noFreeLayer = Declarations.WithGridLines("[Grid(\"sparsity\", \"0, {|SPD106:0.9|}\")]")
            .Replace("Sparsity = 0.9, ", "", StringComparison.Ordinal)
            .Replace("[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1", "[Dense(256, Activation = Activation.Relu), Sparse(\"unstructured\", 0.5)] public partial Layer Hidden1", StringComparison.Ordinal);
        AnalyzerHarness.Verify(noFreeLayer);
    }

    [Fact]
    public void SparsityAboveOne_MessageGivesTheRangeAndExamples()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"sparsity\", \"0.5, 1.2\")]"), "SPD307").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Value 1.2 of grid axis 'sparsity' must be a sparsity in [0, 1)", message);
        Assert.Contains("use values like 0, 0.5, 0.9", message);
    }

    [Fact]
    public void NegativeLearningRate_MessageSaysAboveZero()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"lr\", \"-1e-3\")]"), "SPD307").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Value -0.001 of grid axis 'lr' must be a learning rate above 0", message);
        Assert.Contains("use values like 1e-3", message);
    }

    [Fact]
    public void UnknownDistribution_MessageListsTheDistributions()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("[Grid(\"distribution\", \"uniform, erdos\")]"), "SPD307").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Value \"erdos\" of grid axis 'distribution'", message);
        Assert.Contains("must be one of uniform, er, erk", message);
    }

    [Fact]
    public void ScheduleAndPatternAxes_NoSPD307() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("schedule", "static, set every=100, 'rigl every=100 drop=0.3'")]
            [Grid("pattern", "unstructured, block 16x16")]
            """));

    [Fact]
    public void NumberOnTheScheduleOrPatternAxis_ReportsSPD307AtTheNumber() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [Grid("schedule", "static, {|SPD307:0.5|}")]
            [Grid("pattern", "{|SPD307:2|}, unstructured")]
            """));

    [Fact]
    public void UpdateEveryAndDropWithTheStaticSchedule_ReportSPD307AtEachValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [SparsitySchedule("static")]
            [Grid("update_every", "{|SPD307:50|}, {|SPD307:100|}")]
            [Grid("drop", "{|SPD307:0.3|}")]
            """));

    [Fact]
    public void UpdateEveryAndDropOutOfRange_ReportSPD307AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("""
            [SparsitySchedule("set")]
            [Grid("update_every", "50, {|SPD307:1000|}, {|SPD307:0|}")]
            [Grid("drop", "0.1, {|SPD307:1|}, 0.5")]
            """));

    [Fact]
    public void DropWithAGmpValueOfTheScheduleAxis_ReportsSPD307NamingIt()
    {
        string message = AnalyzerHarness.Single(Declarations.WithGridLines("""
            [Grid("schedule", "set, gmp to=0.9")]
            [Grid("drop", "0.3")]
            """), "SPD307").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Value 0.3 of grid axis 'drop' would do nothing with the grid's schedule \"gmp to=0.9\", which prunes towards its to= sparsity and drops no fraction", message);
    }

    [Fact]
    public void PatternAxisWithoutAFollowingLayer_ReportsSPD307AtTheValue()
    {
        string allOwn = Declarations.WithGridLines("[Grid(\"pattern\", \"{|SPD307:unstructured|}\")]")
            .Replace("Sparsity = 0.9, ", "", StringComparison.Ordinal)
            .Replace("[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1", "[Dense(256, Activation = Activation.Relu), Sparse(\"unstructured\", 0.5)] public partial Layer Hidden1", StringComparison.Ordinal);
        AnalyzerHarness.Verify(allOwn);
    }
}
