using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>
/// SPD103: a block does not divide the layer's weight matrix (Out × In), or has a side that is not positive.
/// </summary>
public sealed class SPD103Tests
{
    [Fact]
    public void UnstructuredModel_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void DividingBlock_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"block 16x32\""));

    [Fact]
    public void BlockRowsNotDividingOutputs_ReportsSPD103AtThePattern() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"block {|SPD103:24x16|}\""));

    [Fact]
    public void BlockColumnsNotDividingInputs_ReportsSPD103AtThePattern() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"block {|SPD103:16x24|}\""));

    [Fact]
    public void BlockSideZero_ReportsSPD103AtThePattern() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Pattern("\"block {|SPD103:0x16|}\""));

    [Fact]
    public void BlockNotDividing_MessageGivesTheShapeAndAFittingBlock() =>
        Assert.Equal(
            "Block 24x16 does not divide layer 'Hidden2' (256 outputs x 256 inputs); block rows must divide 256 and block columns must divide 256, e.g. block 16x16",
            Message("\"block 24x16\""));

    [Fact]
    public void BlockOnRectangularLayer_MessageSuggestsDivisorsOfEachSide() =>
        Assert.EndsWith(
            "does not divide layer 'Hidden' (100 outputs x 784 inputs); block rows must divide 100 and block columns must divide 784, e.g. block 20x16",
            AnalyzerHarness.Single(Declarations.File("""
                [SparseModel]
                public partial class Tiny
                {
                    [Input(784)] public partial Layer Pixels { get; }
                    [Dense(100), Sparse("block 16x16", 0.9)] public partial Layer Hidden { get; }
                    [Dense(10)] public partial Layer Output { get; }
                }
                """), "SPD103").GetMessage(CultureInfo.InvariantCulture));

    [Fact]
    public void BlockSideZero_MessageAsksForPositiveSides() =>
        Assert.Equal("Block 0x16 of layer 'Hidden2' must have positive sides; use e.g. block 16x16", Message("\"block 0x16\""));

    private static string Message(string pattern) =>
        AnalyzerHarness.Single(Declarations.WithHidden2Pattern(pattern), "SPD103").GetMessage(CultureInfo.InvariantCulture);

    [Fact]
    public void GridPatternNotDividingAFollowingLayer_ReportsSPD103AtTheValueWithoutAFix()
    {
        // Hidden1 (256 x 784) follows the model-level target; Hidden2 has its own [Sparse] and is not judged.
        string source = Declarations.WithGridLines("[Grid(\"pattern\", \"block 16x16, {|SPD103:block 48x48|}\")]");
        AnalyzerHarness.Verify(source);

        var diagnostic = AnalyzerHarness.Single(Markup.Parse(source).Source, "SPD103");
        Assert.Contains("Value \"block 48x48\" of grid axis 'pattern': Block 48x48 does not divide layer 'Hidden1' (256 outputs x 784 inputs)", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.False(diagnostic.Properties.ContainsKey(SparseDsl.Language.DiagnosticProperties.Replacement));
    }
}
