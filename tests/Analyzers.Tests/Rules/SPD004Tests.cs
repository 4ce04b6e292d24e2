using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD004: an [Input] size or [Dense] unit count is not positive.</summary>
public sealed class SPD004Tests
{
    [Fact]
    public void PositiveSizes_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void DenseUnitsZero_ReportsSPD004AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace(
            "[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1",
            "[Dense({|SPD004:0|}, Activation = Activation.Relu)] public partial Layer Hidden1")));

    [Fact]
    public void DenseUnitsNegative_ReportsSPD004AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Dense(10), KeepDense]", "[Dense({|SPD004:-5|}), KeepDense]")));

    [Fact]
    public void InputSizeZero_ReportsSPD004AtTheArgument() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("[Input(784)]", "[Input({|SPD004:0|})]")));

    [Fact]
    public void DenseUnitsZero_MessageGivesADenseExample() =>
        Assert.Equal(
            "Layer 'Hidden1' has size 0; a layer needs at least 1 unit, e.g. [Dense(128)]",
            Message(Declarations.Model.Replace("[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1", "[Dense(0)] public partial Layer Hidden1")));

    [Fact]
    public void InputSizeNegative_MessageGivesAnInputExample() =>
        Assert.Equal(
            "Layer 'Pixels' has size -1; a layer needs at least 1 unit, e.g. [Input(128)]",
            Message(Declarations.Model.Replace("[Input(784)]", "[Input(-1)]")));

    private static string Message(string model) =>
        AnalyzerHarness.Single(Declarations.File(model), "SPD004").GetMessage(CultureInfo.InvariantCulture);
}
