using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD301: a [Grid] axis this version does not know.</summary>
public sealed class SPD301Tests
{
    private static string Experiment(string grid) => Declarations.WithExperiment($$"""
        [Experiment(typeof(Mlp), Data = "synthetic", Steps = 1000, Batch = 64, EvalEvery = 100)]
        [Grid("seed", "1..2")]
        {{grid}}
        """);

    [Fact]
    public void EveryKnownAxis_NoDiagnostic() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid("sparsity", "0, 0.9")]
            [Grid("lr", "1e-3, 1e-2")]
            [Grid("batch", "32, 64")]
            [Grid("steps", "500, 1000")]
            [Grid("distribution", "\"uniform\", \"erk\"")]
            """));

    [Fact]
    public void UnknownAxis_ReportsSPD301AtTheAxisName() =>
        AnalyzerHarness.Verify(Experiment("[Grid({|SPD301:\"learning_rate\"|}, \"1e-3, 1e-2\")]"));

    [Fact]
    public void AxisNameInWrongCase_ReportsSPD301AtTheAxisName() =>
        AnalyzerHarness.Verify(Experiment("[Grid({|SPD301:\"Sparsity\"|}, \"0, 0.9\")]"));

    [Fact]
    public void UnknownAxisTwice_ReportsSPD301AtEachOccurrence() =>
        AnalyzerHarness.Verify(Experiment("""
            [Grid({|SPD301:"momentum"|}, "64")]
            [Grid({|SPD301:"momentum"|}, "128")]
            """));

    [Fact]
    public void UnknownAxis_ValuesAreNotJudged() =>
        AnalyzerHarness.Verify(Experiment("[Grid({|SPD301:\"momentum\"|}, \"not, values\")]"));

    [Fact]
    public void UnknownAxis_MessageNamesItAndListsTheKnownAxes()
    {
        string message = AnalyzerHarness.Single(Experiment("[Grid(\"learning_rate\", \"1e-3\")]"), "SPD301").GetMessage(CultureInfo.InvariantCulture);

        Assert.Contains("Grid axis 'learning_rate' is unknown", message);
        Assert.Contains("known axes: sparsity, seed, lr, batch, steps, distribution", message);
    }
}
