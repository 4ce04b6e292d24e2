using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>
/// SPD106: the distribution cannot reach the model-level target, because no weight layer follows it (each has its
/// own [Sparse] sparsity, an N:M pattern, or [KeepDense]).
/// </summary>
public sealed class SPD106Tests
{
    [Fact]
    public void ALayerFollowsTheTarget_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Theory]
    [InlineData("Distribution.Uniform")]
    [InlineData("Distribution.Er")]
    [InlineData("Distribution.Erk")]
    public void EveryDistributionWithAFreeLayer_NoDiagnostic(string distribution) =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Distribution.Erk", distribution).Replace("Sparsity = 0.9", "Sparsity = 0.99")));

    [Fact]
    public void NoTargetAndNoFreeLayer_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(NoFreeLayer("[SparseModel]")));

    [Fact]
    public void SparseWithoutSparsityFollowsTheTarget_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured\")")
            .Replace("[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1", "[Dense(256, Activation = Activation.Relu), KeepDense] public partial Layer Hidden1")));

    [Fact]
    public void EveryLayerOwnOrKeepDense_ReportsSPD106AtTheSparsityArgument() =>
        AnalyzerHarness.Verify(Declarations.File(NoFreeLayer("[SparseModel(Sparsity = {|SPD106:0.9|}, Distribution = Distribution.Erk)]")));

    [Fact]
    public void EveryLayerKeepDense_ReportsSPD106AtTheSparsityArgument() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel(Sparsity = {|SPD106:0.5|})]
            public partial class Tiny
            {
                [Input(8)] public partial Layer Features { get; }
                [Dense(8), KeepDense] public partial Layer Hidden { get; }
                [Dense(2), KeepDense] public partial Layer Output { get; }
            }
            """));

    [Fact]
    public void EveryLayerNOfMOrKeepDense_ReportsSPD106AtTheSparsityArgument() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel(Sparsity = {|SPD106:0.9|})]
            public partial class Tiny
            {
                [Input(8)] public partial Layer Features { get; }
                [Dense(8), Sparse("2:4")] public partial Layer Hidden { get; }
                [Dense(2), KeepDense] public partial Layer Output { get; }
            }
            """));

    [Fact]
    public void EveryLayerOwnOrKeepDense_MessageSaysWhyAndHowToFix() =>
        Assert.Equal(
            "Model 'Tiny': the sparsity target 0.9 has no layer to apply to: every weight layer has its own [Sparse] or [KeepDense]; remove the target or let a layer follow it",
            AnalyzerHarness.Single(Declarations.File(NoFreeLayer("[SparseModel(Sparsity = 0.9)]")), "SPD106").GetMessage(CultureInfo.InvariantCulture));

    private static string NoFreeLayer(string attribute) => attribute + """

        public partial class Tiny
        {
            [Input(8)] public partial Layer Features { get; }
            [Dense(8), Sparse("unstructured", 0.5)] public partial Layer Hidden { get; }
            [Dense(2), KeepDense] public partial Layer Output { get; }
        }
        """;
}
