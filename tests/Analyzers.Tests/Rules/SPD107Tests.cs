using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD107: [Sparse] on a layer without a weight matrix (an [Input]).</summary>
public sealed class SPD107Tests
{
    [Fact]
    public void SparseOnDenseLayers_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void SparseOnInput_ReportsSPD107AtTheSparseAttribute() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Input(784)]", "[Input(784), {|SPD107:Sparse(\"unstructured\", 0.5)|}]")));

    [Fact]
    public void SparseOnInputInItsOwnAttributeList_ReportsSPD107AtTheSparseAttribute() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Input(784)]", "[Input(784)]\n    [{|SPD107:Sparse(\"unstructured\")|}]")));

    [Fact]
    public void BlockOnInput_ReportsOnlySPD107() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Input(784)]", "[Input(784), {|SPD107:Sparse(\"block 16x16\", 2.0)|}]")));

    [Fact]
    public void SparseOnInput_MessageSaysWhereSparseBelongs() =>
        Assert.Equal(
            "[Input] layer 'Pixels' has no weights to make sparse; remove [Sparse] or put it on a [Dense] layer",
            AnalyzerHarness.Single(Declarations.File(Declarations.Model.Replace("[Input(784)]", "[Input(784), Sparse(\"unstructured\", 0.5)]")), "SPD107")
                .GetMessage(CultureInfo.InvariantCulture));
}
