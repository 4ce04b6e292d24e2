using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD107: [Sparse] on a layer without a weight matrix (an [Input]), or on a language model's embedding, final norm or head, which stay dense.</summary>
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

    // Language models: the embedding, the final norm and the head stay dense; [Sparse] belongs on the [TransformerBlock].

    [Fact]
    public void LanguageModelWithSparseOnTheBlock_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Count = 4)]", "Count = 4), Sparse(\"unstructured\", 0.8)]").Replace("Sparsity = 0.5, ", ""));

    [Fact]
    public void SparseOnTheEmbedding_ReportsSPD107AtTheSparseAttribute() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Context = 128), KeepDense]", "Context = 128), {|SPD107:Sparse(\"unstructured\", 0.5)|}]"));

    [Fact]
    public void SparseOnTheKeepDenseEmbedding_ReportsOnlySPD107() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("Context = 128), KeepDense]", "Context = 128), KeepDense, {|SPD107:Sparse(\"unstructured\", 0.5)|}]"));

    [Fact]
    public void SparseOnTheLayerNorm_ReportsSPD107AtTheSparseAttribute() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("[LayerNorm]", "[LayerNorm, {|SPD107:Sparse(\"unstructured\", 0.5)|}]"));

    [Fact]
    public void SparseOnTheHead_ReportsSPD107AtTheSparseAttribute() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("nameof(Tokens)), KeepDense]", "nameof(Tokens)), {|SPD107:Sparse(\"block 16x16 0.5\")|}]"));

    [Fact]
    public void SparseOnTheEmbedding_MessageSaysWhereSparseBelongs() =>
        Assert.Equal(
            "[Embedding] layer 'Tokens' stays dense (embeddings, norms and the head are not sparsified); remove [Sparse] or put it on the [TransformerBlock]",
            AnalyzerHarness.Single(Declarations.WithLanguageModel("Context = 128), KeepDense]", "Context = 128), Sparse(\"unstructured\", 0.5)]"), "SPD107")
                .GetMessage(CultureInfo.InvariantCulture));
}
