using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD007: a class declares layers but is not a [SparseModel].</summary>
public sealed class SPD007Tests
{
    private static readonly string WithoutAttribute = Declarations.File(
        Declarations.Model.Replace("[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]\n", ""));

    [Fact]
    public void Model_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void ClassWithoutLayers_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File("public partial class Plain { public int Size { get; } }"));

    [Fact]
    public void LayersWithoutSparseModel_ReportsSPD007AtTheFirstLayerAttribute() =>
        AnalyzerHarness.Verify(WithoutAttribute.Replace("[Input(784)]", "[{|SPD007:Input(784)|}]"));

    [Fact]
    public void OnlyDenseLayers_ReportsSPD007AtTheFirstDense() =>
        AnalyzerHarness.Verify(Declarations.File("public partial class Half\n{\n    [{|SPD007:Dense(4)|}] public partial Layer A { get; }\n    [Dense(2)] public partial Layer B { get; }\n}"));

    [Fact]
    public void LayersWithoutSparseModel_MessageSaysAddTheAttribute() =>
        Assert.Equal(
            "'Mlp' declares layers ('Pixels' first) but is not a [SparseModel]; add [SparseModel] to the class (e.g. [SparseModel(Loss = Loss.SoftmaxCrossEntropy)])",
            AnalyzerHarness.Single(WithoutAttribute, "SPD007").GetMessage(CultureInfo.InvariantCulture));

    [Fact]
    public void LayersWithoutSparseModel_AndAnExperimentOnIt_NoCompilerErrors()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment)
            .Replace("[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Sparsity = 0.9, Distribution = Distribution.Erk)]\n", "");
        var errors = AnalyzerHarness.Build(source).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        Assert.True(errors.All(d => d.Id.StartsWith("SPD", StringComparison.Ordinal)), string.Join("\n", errors));
        Assert.Equal(new[] { "SPD005", "SPD007" }, errors.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }
}
