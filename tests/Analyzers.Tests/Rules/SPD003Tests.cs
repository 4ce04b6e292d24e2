using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD003: a model has no layers, does not start with its [Input], or has an [Input] after other layers; a language model's layers are not [Embedding], [TransformerBlock], [LayerNorm], [Unembedding] in that order.</summary>
public sealed class SPD003Tests
{
    [Fact]
    public void InputFirstThenDenseLayers_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void NoLayers_ReportsSPD003AtTheClassName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class {|SPD003:Empty|}
            {
                public int Count { get; }
            }
            """));

    [Fact]
    public void FirstLayerNotInput_ReportsSPD003AtThatProperty() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Dense(4)] public partial Layer {|SPD003:Hidden|} { get; }
                [Dense(2)] public partial Layer Output { get; }
            }
            """));

    [Fact]
    public void SecondInputBetweenDenseLayers_ReportsSPD003AtItsInputAttribute() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(4)] public partial Layer Hidden { get; }
                [{|SPD003:Input(3)|}] public partial Layer Late { get; }
                [Dense(2)] public partial Layer Output { get; }
            }
            """));

    [Fact]
    public void InputAfterTheOutput_ReportsSPD003AtItsInputAttribute() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer Output { get; }
                [{|SPD003:Input(3)|}] public partial Layer Late { get; }
            }
            """));

    [Fact]
    public void OnlyAnInput_ReportsSPD003AtTheInputAttribute() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public partial class Tiny
            {
                [{|SPD003:Input(4)|}] public partial Layer Features { get; }
            }
            """));

    [Fact]
    public void NoLayers_MessageSaysWhatToDeclare() =>
        Assert.Equal(
            "Model 'Empty' declares no layers; declare an [Input(n)] property first, then [Dense(units)] layers",
            Message("[SparseModel]\npublic partial class Empty\n{\n}"));

    [Fact]
    public void FirstLayerNotInput_MessageNamesTheLayer() =>
        Assert.Equal(
            "The first layer of model 'Tiny' is 'Hidden', not an [Input]; declare an [Input(n)] property before it",
            Message(Tiny("[Dense(4)] public partial Layer Hidden { get; }", "[Dense(2)] public partial Layer Output { get; }")));

    [Fact]
    public void InputAfterTheOutput_MessageSaysInputComesFirst() =>
        Assert.Equal(
            "[Input] layer 'Late' of model 'Tiny' comes after 'Output'; a model has one [Input], declared first",
            Message(Tiny("[Input(4)] public partial Layer Features { get; }", "[Dense(2)] public partial Layer Output { get; }", "[Input(3)] public partial Layer Late { get; }")));

    [Fact]
    public void OnlyAnInput_MessageAsksForADenseLayer() =>
        Assert.Equal(
            "Model 'Tiny' has only its [Input] 'Features'; add at least one [Dense(units)] layer after it",
            Message(Tiny("[Input(4)] public partial Layer Features { get; }")));

    private static string Tiny(params string[] members) =>
        "[SparseModel]\npublic partial class Tiny\n{\n    " + string.Join("\n    ", members) + "\n}";

    private static string Message(string model) =>
        AnalyzerHarness.Single(Declarations.File(model), "SPD003").GetMessage(CultureInfo.InvariantCulture);

    // Language models: [Embedding], [TransformerBlock], [LayerNorm], [Unembedding], one each and in that order.

    [Fact]
    public void LanguageModelInOrder_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.LanguageModel));

    [Fact]
    public void LanguageModelWithADenseLayer_ReportsSPD003AtThatProperty() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(
            "[LayerNorm] public partial Layer Final { get; }",
            "[LayerNorm] public partial Layer Final { get; }\n    [Dense(128)] public partial Layer {|SPD003:Extra|} { get; }"));

    [Fact]
    public void LanguageModelWithAnInputFirst_ReportsSPD003AtTheInput() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(
            "[Embedding(",
            "[Input(128)] public partial Layer {|SPD003:Pixels|} { get; }\n    [Embedding("));

    [Fact]
    public void LanguageModelWithoutItsLayerNorm_ReportsSPD003AtTheLayerInItsPlace() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("[LayerNorm] public partial Layer Final { get; }\n", "")
            .Replace("[Unembedding(TiedTo = nameof(Tokens))", "[{|SPD003:Unembedding(TiedTo = nameof(Tokens))|}"));

    [Fact]
    public void LanguageModelWithoutItsHead_ReportsSPD003AtTheClassName() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel("[Unembedding(TiedTo = nameof(Tokens)), KeepDense] public partial Layer Head { get; }\n", "")
            .Replace("public partial class TinyLm", "public partial class {|SPD003:TinyLm|}"));

    [Fact]
    public void LanguageModelWithHeadBeforeNorm_ReportsSPD003AtTheHead() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(
            "[LayerNorm] public partial Layer Final { get; }\n    [Unembedding(TiedTo = nameof(Tokens)), KeepDense] public partial Layer Head { get; }",
            "[{|SPD003:Unembedding(TiedTo = nameof(Tokens))|}, KeepDense] public partial Layer Head { get; }\n    [LayerNorm] public partial Layer Final { get; }"));

    [Fact]
    public void LanguageModelWithTwoBlockProperties_ReportsSPD003AtTheSecond() =>
        AnalyzerHarness.Verify(Declarations.WithLanguageModel(
            "[LayerNorm]",
            "[{|SPD003:TransformerBlock(heads: 4)|}] public partial Layer More { get; }\n    [LayerNorm]"));

    [Fact]
    public void LanguageModelWithHeadBeforeNorm_MessageGivesTheOrder() =>
        Assert.Equal(
            "Layer 3 of language model 'TinyLm' is [Unembedding] 'Head' where [LayerNorm] belongs; a language model is [Embedding], [TransformerBlock], [LayerNorm], [Unembedding], one each and in that order",
            AnalyzerHarness.Single(
                Declarations.WithLanguageModel(
                    "[LayerNorm] public partial Layer Final { get; }\n    [Unembedding(TiedTo = nameof(Tokens)), KeepDense] public partial Layer Head { get; }",
                    "[Unembedding(TiedTo = nameof(Tokens)), KeepDense] public partial Layer Head { get; }\n    [LayerNorm] public partial Layer Final { get; }"),
                "SPD003").GetMessage(CultureInfo.InvariantCulture));

    [Fact]
    public void LanguageModelWithADenseLayer_MessageSaysTheKindsDoNotMix() =>
        Assert.StartsWith(
            "Model 'TinyLm' mixes language-model layers with [Dense] 'Extra'; a language model is [Embedding], [TransformerBlock], [LayerNorm], [Unembedding]",
            AnalyzerHarness.Single(
                Declarations.WithLanguageModel("[LayerNorm] public partial Layer Final { get; }", "[LayerNorm] public partial Layer Final { get; }\n    [Dense(128)] public partial Layer Extra { get; }"),
                "SPD003").GetMessage(CultureInfo.InvariantCulture));
}
