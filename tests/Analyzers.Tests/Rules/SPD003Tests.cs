using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD003: a model has no layers, does not start with its [Input], or has an [Input] after other layers.</summary>
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
}
