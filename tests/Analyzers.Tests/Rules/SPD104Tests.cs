using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>
/// SPD104: an N:M pattern has N &lt; 1 or N &gt;= M, or M does not divide the layer's inputs.
/// </summary>
public sealed class SPD104Tests
{
    [Fact]
    public void UnstructuredModel_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void ValidNOfM_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"2:4\""));

    [Theory]
    [InlineData("0:4")]
    [InlineData("4:4")]
    [InlineData("5:4")]
    [InlineData("2:0")]
    public void NNotBelowMOrBelowOne_ReportsSPD104AtThePattern(string pattern) =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("{|SPD104:\"" + pattern + "\"|}"));

    [Fact]
    public void MNotDividingInputs_ReportsSPD104AtThePattern() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("{|SPD104:\"2:5\"|}"));

    [Fact]
    public void NNotBelowM_MessageGivesTheBoundsAndAnExample() =>
        Assert.Equal("Pattern 4:4 of layer 'Hidden2' needs 1 <= N < M; use e.g. 2:4", Message("\"4:4\""));

    [Fact]
    public void MNotDividingInputs_MessageGivesTheInputCount() =>
        Assert.Equal(
            "M = 5 of pattern 2:5 does not divide the 256 inputs of layer 'Hidden2'; choose an M that divides 256",
            Message("\"2:5\""));

    private static string Message(string pattern) =>
        AnalyzerHarness.Single(Declarations.WithHidden2Sparse(pattern), "SPD104").GetMessage(CultureInfo.InvariantCulture);
}
