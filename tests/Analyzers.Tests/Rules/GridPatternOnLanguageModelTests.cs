namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>A 'pattern' grid axis on a language model is judged against the block matrices it reaches (q/k/v/o 128×128, up 512×128, down 128×512).</summary>
public sealed class GridPatternOnLanguageModelTests
{
    private static string Study(string patterns, string model = Declarations.LanguageModel) =>
        Declarations.File(model + "\n\n" + $$"""
            [Experiment(typeof(TinyLm), Data = "brown", Steps = 1000, Batch = 16, EvalEvery = 100)]
            [Grid("pattern", "{{patterns}}")]
            public static partial class Study;
            """);

    [Fact]
    public void PatternsThatFitEveryBlockMatrix_NoDiagnostic() =>
        AnalyzerHarness.Verify(Study("unstructured, block 16x16, block 32x64, 2:4, rows"));

    [Fact]
    public void ABlockThatDoesNotDivideTheMatrices_ReportsSPD103AtTheValue() =>
        AnalyzerHarness.Verify(Study("block 16x16, {|SPD103:block 48x48|}"));

    [Fact]
    public void ABlockLargerThanTheAttentionMatrices_ReportsSPD108AtTheValue() =>
        AnalyzerHarness.Verify(Study("{|SPD108:block 256x256|}"));

    [Fact]
    public void NoMatrixFollowsTheTarget_ReportsSPD307()
    {
        string model = Declarations.LanguageModel
            .Replace("Sparsity = 0.5, Distribution = Distribution.Uniform)]", "Sparsity = 0, Distribution = Distribution.Uniform, Target = \"mlp\")]")
            .Replace("[TransformerBlock(heads: 4, MlpRatio = 4, Count = 4)]", "[TransformerBlock(heads: 4, MlpRatio = 4, Count = 4), Sparse(\"unstructured\", 0.5, Target = \"mlp\")]");
        AnalyzerHarness.Verify(Study("{|SPD307:block 16x16|}", model));
    }
}
