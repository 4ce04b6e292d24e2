using System.Globalization;

namespace SparseDsl.Analyzers.Tests.Rules;

/// <summary>SPD008: a [SparseModel] or [Experiment] class is nested or generic, so it cannot take the generated half.</summary>
public sealed class SPD008Tests
{
    private const string Layers = "    [Input(4)] public partial Layer A { get; }\n    [Dense(2)] public partial Layer B { get; }\n";

    [Fact]
    public void TopLevelModelAndExperiment_NoDiagnostic() =>
        AnalyzerHarness.Verify(Declarations.WithExperiment(Declarations.ValidExperiment));

    [Fact]
    public void NestedModel_ReportsSPD008AtItsName() =>
        AnalyzerHarness.Verify(Declarations.File("public static class Studies\n{\n[SparseModel]\npublic partial class {|SPD008:Tiny|}\n{\n" + Layers + "}\n}"));

    [Fact]
    public void GenericModel_ReportsSPD008AtItsName() =>
        AnalyzerHarness.Verify(Declarations.File("[SparseModel]\npublic partial class {|SPD008:Tiny|}<T>\n{\n" + Layers + "}"));

    [Fact]
    public void NestedExperiment_ReportsSPD008AtItsName() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model + "\n\npublic static partial class Studies\n{\n" + Declarations.ValidExperiment
            + "public static partial class {|SPD008:Study|};\n}"));

    [Fact]
    public void NestedModel_MessageSaysWhereToMoveIt() =>
        Assert.Equal(
            "[SparseModel] class 'Tiny' is nested in 'Studies'; SparseDsl generates code only for top-level classes, so move 'Tiny' out of 'Studies' into the namespace",
            AnalyzerHarness.Single(Declarations.File("public static class Studies\n{\n[SparseModel]\npublic partial class Tiny\n{\n" + Layers + "}\n}"), "SPD008")
                .GetMessage(CultureInfo.InvariantCulture));

    [Fact]
    public void NestedModel_NothingGeneratedForIt()
    {
        var diagnostics = AnalyzerHarness.Build(Declarations.File("public static class Studies\n{\n[SparseModel]\npublic partial class Tiny\n{\n" + Layers + "}\n}"),
            Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary);

        Assert.Contains(diagnostics, d => d.Id == "SPD008");
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }
}
