using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD201: a [SparsitySchedule] expression does not parse.</summary>
public sealed class SPD201Tests
{
    [Fact]
    public void StaticSchedule_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"static\""));

    [Fact]
    public void NoScheduleAttribute_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment("""
            [Declarations.WithSchedule(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
            """));

    [Fact]
    public void UnknownKind_ReportsSPD201AtTheKind() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"{|SPD201:rigel|} every=100\""));

    [Fact]
    public void MisspelledOption_ReportsSPD201AtTheOptionName() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"rigl every=100 {|SPD201:dorp|}=0.3\""));

    [Fact]
    public void OptionOfAnotherKind_ReportsSPD201AtTheOptionName() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"set every=100 {|SPD201:end|}=50%\""));

    [Fact]
    public void StaticWithOptions_ReportsSPD201AtTheFirstOption() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"static {|SPD201:every|}=100\""));

    [Fact]
    public void BadRegrowthValue_ReportsSPD201AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"rigl grow={|SPD201:magnitude|}\""));

    [Fact]
    public void FractionalInterval_ReportsSPD201AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"set every={|SPD201:10.5|}\""));

    [Fact]
    public void DuplicateOption_ReportsSPD201AtTheSecondOne() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("\"set drop=0.3 {|SPD201:drop|}=0.2\""));

    [Fact]
    public void GmpWithoutFinalSparsity_ReportsSPD201AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("{|SPD201:\"gmp from=0\"|}"));

    [Fact]
    public void EmptySchedule_ReportsSPD201AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.WithSchedule("{|SPD201:\"\"|}"));

    [Fact]
    public void BadRegrowthValue_MessageNamesTheValueAndTheChoices()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"rigl grow=magnitude\""), "SPD201").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("rigl grow=magnitude", message);
        Assert.Contains("unexpected 'magnitude'", message);
        Assert.Contains("expected random, gradient or momentum", message);
    }

    [Fact]
    public void GmpWithoutFinalSparsity_MessageShowsTheFix()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"gmp from=0\""), "SPD201").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("unexpected end of input", message);
        Assert.Contains("gmp from=0 to=0.9", message);
    }

    [Fact]
    public void EmptySchedule_MessageListsTheKinds()
    {
        string message = AnalyzerHarness.Single(Declarations.WithSchedule("\"\""), "SPD201").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("empty", message);
        Assert.Contains("static, gmp, set, rigl or smet", message);
    }

    [Fact]
    public void GridScheduleThatDoesNotParse_ReportsSPD201AtTheValue() =>
        AnalyzerHarness.Verify(Declarations.WithGridLines("[Grid(\"schedule\", \"static, {|SPD201:rigel every=100|}\")]"));
}
