using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD002: a layer member is not one 'partial Layer Name { get; }' property with exactly one layer attribute.</summary>
public sealed class SPD002Tests
{
    [Fact]
    public void PartialLayerProperties_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void LayerPropertyNotPartial_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public Layer {|SPD002:Output|} { get; }
            }
            """));

    [Fact]
    public void LayerPropertyOfOtherType_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial object {|SPD002:Output|} { get; }
            }
            """));

    [Fact]
    public void StaticLayerProperty_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public static partial Layer {|SPD002:Output|} { get; }
            }
            """));

    [Fact]
    public void LayerPropertyWithSetter_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer {|SPD002:Output|} { get; set; }
            }
            """));

    [Fact]
    public void NullableLayerProperty_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer? {|SPD002:Output|} { get; }
            }
            """));

    [Fact]
    public void InputAndDenseOnOneProperty_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4), Dense(4)] public partial Layer {|SPD002:Features|} { get; }
                [Dense(2)] public partial Layer Output { get; }
            }
            """));

    [Fact]
    public void SparseWithoutLayerAttribute_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer Output { get; }
                [Sparse("unstructured", 0.5)] public partial Layer {|SPD002:Extra|} { get; }
            }
            """));

    [Fact]
    public void KeepDenseWithoutLayerAttribute_ReportsSPD002AtThePropertyName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer Output { get; }
                [KeepDense] public partial Layer {|SPD002:Extra|} { get; }
            }
            """));

    [Fact]
    public void LayerPropertyNotPartial_MessageShowsTheDeclaration() =>
        Assert.Equal(
            "Layer 'Output' is not a partial property; declare it 'public partial Layer Output { get; }'",
            Message(TinyWithOutput("[Dense(2)] public Layer Output { get; }")));

    [Fact]
    public void LayerPropertyOfOtherType_MessageNamesTheType() =>
        Assert.Equal(
            "Layer 'Output' has type 'int', not Layer; declare it 'public partial Layer Output { get; }'",
            Message(TinyWithOutput("[Dense(2)] public partial int Output { get; }")));

    [Fact]
    public void NullableLayerProperty_MessageSaysNeverNull() =>
        Assert.Equal(
            "Layer 'Output' is declared 'Layer?'; the generated layer is never null; declare it 'public partial Layer Output { get; }'",
            Message(TinyWithOutput("[Dense(2)] public partial Layer? Output { get; }")));

    [Fact]
    public void StaticLayerProperty_MessageSaysStatic() =>
        Assert.StartsWith("Layer 'Output' is static;", Message(TinyWithOutput("[Dense(2)] public static partial Layer Output { get; }")));

    [Fact]
    public void LayerPropertyWithSetter_MessageSaysGetOnly() =>
        Assert.Contains("has a setter; the generator provides the layer, so it is get-only; declare it 'public partial Layer Output { get; }'",
            Message(TinyWithOutput("[Dense(2)] public partial Layer Output { get; set; }")));

    [Fact]
    public void InputAndDenseOnOneProperty_MessageSaysExactlyOne() =>
        Assert.Equal(
            "'Features' has both [Input] and [Dense]; a layer has exactly one layer attribute",
            Message(AnalyzerHarness.Single(Declarations.File("""
                [SparseModel]
                public partial class Tiny
                {
                    [Input(4), Dense(4)] public partial Layer Features { get; }
                    [Dense(2)] public partial Layer Output { get; }
                }
                """), "SPD002")));

    [Fact]
    public void SparseWithoutLayerAttribute_MessageSuggestsDense() =>
        Assert.Equal(
            "'Extra' has [Sparse] or [KeepDense] but no layer attribute; add [Dense(units)] (or remove the attribute)",
            Message(TinyWithOutput("[Dense(2)] public partial Layer Output { get; }\n    [Sparse(\"unstructured\")] public partial Layer Extra { get; }")));

    private static Microsoft.CodeAnalysis.Diagnostic TinyWithOutput(string members) =>
        AnalyzerHarness.Single(Declarations.File("[SparseModel]\npublic partial class Tiny\n{\n    [Input(4)] public partial Layer Features { get; }\n    " + members + "\n}"), "SPD002");

    private static string Message(Microsoft.CodeAnalysis.Diagnostic diagnostic) => diagnostic.GetMessage(CultureInfo.InvariantCulture);
}
