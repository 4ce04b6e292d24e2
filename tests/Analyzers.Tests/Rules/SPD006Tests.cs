using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD006: the loss does not fit the output layer (a softmax over one unit).</summary>
public sealed class SPD006Tests
{
    [Fact]
    public void SoftmaxOnTenUnits_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model));

    [Fact]
    public void MeanSquaredErrorOnOneUnit_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[SparseModel(Loss = Loss.MeanSquaredError)]")));

    [Fact]
    public void SoftmaxOnOneUnit_ReportsSPD006AtTheLossArgument() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[SparseModel(Loss = {|SPD006:Loss.SoftmaxCrossEntropy|})]")));

    [Fact]
    public void DefaultLossOnOneUnit_ReportsSPD006AtTheSparseModelAttribute() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[{|SPD006:SparseModel|}]")));

    [Fact]
    public void NextTokenOnOneUnit_ReportsSPD006AtTheLossArgument() =>
        AnalyzerHarness.Verify(Declarations.File(OneUnitOutput("[SparseModel(Loss = {|SPD006:Loss.NextToken|})]")));

    [Fact]
    public void SoftmaxOnOneUnit_MessageSaysWhatFits() =>
        Assert.Equal(
            "SoftmaxCrossEntropy needs at least 2 output units, but output layer 'Output' has 1; give it one unit per class or use Loss.MeanSquaredError",
            Message(OneUnitOutput("[SparseModel(Loss = Loss.SoftmaxCrossEntropy)]")));

    [Fact]
    public void NextTokenOnOneUnit_MessageNamesTheLoss() =>
        Assert.StartsWith("NextToken needs at least 2 output units, but output layer 'Output' has 1;", Message(OneUnitOutput("[SparseModel(Loss = Loss.NextToken)]")));

    private static string OneUnitOutput(string attribute) => attribute + """

        public partial class Regressor
        {
            [Input(8)] public partial Layer Features { get; }
            [Dense(1)] public partial Layer Output { get; }
        }
        """;

    private static string Message(string model) =>
        AnalyzerHarness.Single(Declarations.File(model), "SPD006").GetMessage(CultureInfo.InvariantCulture);
}
