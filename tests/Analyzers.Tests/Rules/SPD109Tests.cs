using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD109: a layer is both [KeepDense] and [Sparse], so one of the two would be ignored.</summary>
public sealed class SPD109Tests
{
    private static string Output(string attributes) =>
        Declarations.File(Declarations.Model.Replace("[Dense(10), KeepDense]", "[Dense(10), " + attributes + "]"));

    [Fact]
    public void KeepDenseAlone_NoDiagnostic() =>
        AnalyzerHarness.Verify(Output("KeepDense"));

    [Fact]
    public void SparseAlone_NoDiagnostic() =>
        AnalyzerHarness.Verify(Output("Sparse(\"unstructured\", 0.5)"));

    [Fact]
    public void KeepDenseAndSparse_ReportsSPD109AtKeepDense() =>
        AnalyzerHarness.Verify(Output("{|SPD109:KeepDense|}, Sparse(\"unstructured\", 0.5)"));

    [Fact]
    public void KeepDenseAndSparseWithTheSparsityInTheString_ReportsSPD109() =>
        AnalyzerHarness.Verify(Output("Sparse(\"unstructured 50%\"), {|SPD109:KeepDense|}"));

    [Fact]
    public void KeepDenseAndSparse_MessageSaysWhichToRemove() =>
        Assert.Equal(
            "Layer 'Output' is both [KeepDense] and [Sparse]; remove [KeepDense] to make it sparse as [Sparse] says, or remove [Sparse] to keep it dense",
            AnalyzerHarness.Single(Output("KeepDense, Sparse(\"unstructured\", 0.5)"), "SPD109").GetMessage(CultureInfo.InvariantCulture));

    [Fact]
    public void KeepDenseAndSparseOnATransformerBlock_ReportsSPD109AtKeepDense() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Count = 4)]", "Count = 4), {|SPD109:KeepDense|}, Sparse(\"unstructured\", 0.5)]"));
}
