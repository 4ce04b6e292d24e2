using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD101: a sparsity (model-level Sparsity, or [Sparse(pattern, s)]) is outside [0, 1).</summary>
public sealed class SPD101Tests
{
    [Fact]
    public void SparsitiesInRange_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void ModelSparsityZero_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparsity = 0.9", "Sparsity = 0")));

    [Theory]
    [InlineData("1.2")]
    [InlineData("1.0")]
    [InlineData("1")]
    [InlineData("-0.1")]
    [InlineData("double.NaN")]
    public void ModelSparsityOutOfRange_ReportsSPD101AtTheArgument(string sparsity) =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparsity = 0.9", "Sparsity = {|SPD101:" + sparsity + "|}")));

    [Theory]
    [InlineData("1.2")]
    [InlineData("1.0")]
    [InlineData("1")]
    [InlineData("-0.1")]
    public void SparsityAboveOne_ReportsSPD101AtTheArgument(string sparsity) =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured\", {|SPD101:" + sparsity + "|})")));

    [Fact]
    public void NOfMSparsityOutOfRange_ReportsSPD101AtTheArgumentAndNoContradiction() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"2:4\", {|SPD101:1.5|})")));

    [Fact]
    public void ModelAndLayerSparsityOutOfRange_ReportsSPD101AtEach() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model
            .Replace("Sparsity = 0.9", "Sparsity = {|SPD101:2|}")
            .Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured\", {|SPD101:1.5|})")));

    [Fact]
    public void ModelSparsityOutOfRange_MessageSaysTheRange() =>
        Assert.Equal(
            "Sparsity 1.2 of model 'Mlp' must be in [0, 1); use a value like 0.9 (0 is dense)",
            Message(Declarations.Model.Replace("Sparsity = 0.9", "Sparsity = 1.2")));

    [Fact]
    public void LayerSparsityOutOfRange_MessageNamesTheLayer() =>
        Assert.Equal(
            "Sparsity 1.5 of layer 'Hidden2' must be in [0, 1); use a value like 0.9",
            Message(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured\", 1.5)")));

    private static string Message(string model) =>
        AnalyzerHarness.Single(Declarations.File(model), "SPD101").GetMessage(CultureInfo.InvariantCulture);
}
