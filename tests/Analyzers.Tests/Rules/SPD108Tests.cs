using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD108: a block has more rows than the layer's outputs or more columns than its inputs. Blocks also warn SPD401.</summary>
public sealed class SPD108Tests
{
    [Fact]
    public void UnstructuredModel_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void BlockAsLargeAsTheLayer_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Tiny("\"block 16x64\"")));

    [Fact]
    public void BlockRowsAboveOutputs_ReportsSPD108AtThePatternAndNoSPD103() =>
        AnalyzerHarness.Verify(Declarations.File(Tiny("\"block {|SPD108:32x32|}\"")));

    [Fact]
    public void BlockColumnsAboveInputs_ReportsSPD108AtThePattern() =>
        AnalyzerHarness.Verify(Declarations.File(Tiny("\"block {|SPD108:16x128|}\"")));

    [Fact]
    public void BlockLargerThanLayer_MessageGivesTheLayerShapeAndTheLargestBlock() =>
        Assert.Equal(
            "Block 32x32 is larger than layer 'Hidden' (16 outputs x 64 inputs); use a block of at most 16x64",
            AnalyzerHarness.Single(Declarations.File(Tiny("\"block 32x32\"")), "SPD108").GetMessage(CultureInfo.InvariantCulture));

    /// <summary>A model whose Hidden layer is 16 outputs × 64 inputs, with <paramref name="pattern"/> as its [Sparse] pattern.</summary>
    private static string Tiny(string pattern) => $$"""
        [SparseModel]
        public partial class Tiny
        {
            [Input(64)] public partial Layer Features { get; }
            [Dense(16), Sparse({{pattern}}, 0.5)] public partial Layer Hidden { get; }
            [Dense(2)] public partial Layer Output { get; }
        }
        """;
}
