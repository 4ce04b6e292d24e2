namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD001: a [SparseModel] or [Experiment] type is not partial.</summary>
public sealed class SPD001Tests
{
    [Fact]
    public void PartialModelAndExperiment_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment(Declarations.ValidExperiment));

    [Fact]
    public void ModelNotPartial_ReportsSPD001AtTheClassName() =>
        AnalyzerHarness.Verify(Declarations.File("""
            [SparseModel]
            public class {|SPD001:Tiny|}
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer Output { get; }
            }
            """));

    [Fact]
    public void ExperimentNotPartial_ReportsSPD001WithTheFix()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment).Replace("public static partial class Study;", "public static class Study { }");
        var diagnostic = AnalyzerHarness.Single(source, "SPD001");

        Assert.Equal("Study", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("public static partial class Study", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
