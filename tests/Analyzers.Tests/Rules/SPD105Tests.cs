using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD105: a [Sparse] sparsity contradicts its pattern (N:M fixes density N/M). </summary>
public sealed class SPD105Tests
{
    [Fact]
    public void UnstructuredModel_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void SparsityMatchingNOfM_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"2:4\", 0.5"));

    [Fact]
    public void NOfMWithoutSparsity_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"1:4\""));

    [Fact]
    public void BlockWithAnySparsity_NoSPD105() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"block 16x16\", 0.9"));

    [Fact]
    public void SparsityContradictingNOfM_ReportsSPD105AtTheSparsityArgument() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"2:4\", {|SPD105:0.9|}"));

    [Fact]
    public void ZeroSparsityOnNOfM_ReportsSPD105AtTheSparsityArgument() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"1:4\", {|SPD105:0|}"));

    [Fact]
    public void SparsityContradictingNOfM_MessageGivesTheImpliedSparsity() =>
        Assert.Equal(
            "Sparsity 0.9 of layer 'Hidden2' contradicts pattern 2:4, which fixes sparsity 0.5; remove the sparsity argument or write 0.5",
            Message("\"2:4\", 0.9"));

    [Fact]
    public void SparsityContradictingOneOfFour_MessageSaysPointSevenFive() =>
        Assert.EndsWith("which fixes sparsity 0.75; remove the sparsity argument or write 0.75", Message("\"1:4\", 0.5"));

    [Fact]
    public void SparsityRestatingOneOfThreeRounded_NoSPD105() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model
            .Replace("[Dense(256, Activation = Activation.Relu), Sparse(\"unstructured\", 0.95)]", "[Dense(255, Activation = Activation.Relu), Sparse(\"1:3\", 0.667)]")
            .Replace("[Input(784)]", "[Input(783)]").Replace("[Dense(256, Activation = Activation.Relu)]", "[Dense(255, Activation = Activation.Relu)]")));

    [Fact]
    public void SparsityOffOneOfThreeByMoreThanRounding_ReportsSPD105() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model
            .Replace("[Dense(256, Activation = Activation.Relu), Sparse(\"unstructured\", 0.95)]", "[Dense(255, Activation = Activation.Relu), Sparse(\"1:3\", {|SPD105:0.66|})]")
            .Replace("[Input(784)]", "[Input(783)]").Replace("[Dense(256, Activation = Activation.Relu)]", "[Dense(255, Activation = Activation.Relu)]")));

    [Fact]
    public void SparsityInsideThePatternString_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"unstructured 0.95\""));

    [Fact]
    public void SparsityGivenTwiceAndDifferent_ReportsSPD105AtTheSecondArgument() =>
        AnalyzerHarness.Verify(Declarations.WithHidden2Sparse("\"unstructured 0.9\", {|SPD105:0.95|}"));

    [Fact]
    public void SparsityGivenTwice_MessageSaysGiveItOnce() =>
        Assert.Equal(
            "Layer 'Hidden2' gives its sparsity twice: 0.9 in \"unstructured 0.9\" and 0.95 as the second argument; give it once",
            Message("\"unstructured 0.9\", 0.95"));

    private static string Message(string arguments) =>
        AnalyzerHarness.Single(Declarations.WithHidden2Sparse(arguments), "SPD105").GetMessage(CultureInfo.InvariantCulture);
}
