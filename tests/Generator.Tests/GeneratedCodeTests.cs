using Microsoft.CodeAnalysis;
using SparseDsl.Testing;

namespace SparseDsl.Generator.Tests;

public sealed class GeneratedCodeTests
{
    [Fact]
    public void SetStudy_GeneratedCodeCompilesWithoutWarnings()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp, OutputKind.ConsoleApplication);

        Assert.True(outcome.GeneratorDiagnostics.Count == 0 && outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Assert.Contains("Examples.Set.SetMlp.Network.g.cs", outcome.Files.Keys);
        Assert.Contains("Examples.Set.SetStudy.Study.g.cs", outcome.Files.Keys);
        Assert.Contains("SparseDsl.Program.g.cs", outcome.Files.Keys);
    }

    [Fact]
    public void LibraryProject_GetsNoEntryPoint()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp, OutputKind.DynamicallyLinkedLibrary);

        Assert.DoesNotContain("SparseDsl.Program.g.cs", outcome.Files.Keys);
        Assert.Empty(outcome.CompileDiagnostics);
    }

    [Fact]
    public void SetMlp_NetworkMatchesSnapshot()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp, OutputKind.ConsoleApplication);
        Snapshot.Match(outcome.Files["Examples.Set.SetMlp.Network.g.cs"], "SetMlp.Network");
    }

    [Fact]
    public void SetStudy_StudyAndEntryPointMatchSnapshot()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp, OutputKind.ConsoleApplication);
        Snapshot.Match(outcome.Files["Examples.Set.SetStudy.Study.g.cs"], "SetStudy.Study");
        Snapshot.Match(outcome.Files["SparseDsl.Program.g.cs"], "SetStudy.Program");
    }

    [Fact]
    public void SparsityInsideThePatternString_GeneratesTheSameNetworkAsTheArgument()
    {
        var asArgument = GeneratorHarness.Run(Sources.SetMlp, OutputKind.ConsoleApplication);
        var inString = GeneratorHarness.Run(Sources.SetMlp.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured 95%\")"), OutputKind.ConsoleApplication);

        Assert.True(inString.CompileDiagnostics.Count == 0, inString.Describe());
        Assert.Equal(asArgument.Files["Examples.Set.SetMlp.Network.g.cs"], inString.Files["Examples.Set.SetMlp.Network.g.cs"]);
    }

    [Fact]
    public void UnsupportedSchedule_EmitsNoDefinitionAndTheEntryPointSaysWhy()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp.Replace("[SparsitySchedule(\"static\")]", "[SparsitySchedule(\"set every=100 drop=0.3\")]"), OutputKind.ConsoleApplication);

        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Assert.DoesNotContain("Definition", outcome.Files["Examples.Set.SetStudy.Study.g.cs"]);
        string program = outcome.Files["SparseDsl.Program.g.cs"];
        Assert.Contains("new global::SparseDsl.Experiments.UnavailableStudy[]", program);
        Assert.Contains("new(\"SetStudy\", \"Schedule 'set' is not supported by this version yet", program);
    }

    [Fact]
    public void UnsupportedPattern_EmitsTheStubNetwork()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"2:4\")"), OutputKind.ConsoleApplication);

        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Assert.Contains("uses what this version cannot run yet (SPD401); no network was generated", outcome.Files["Examples.Set.SetMlp.Network.g.cs"]);
    }

    [Fact]
    public void TinyMlp_NetworkMatchesSnapshot()
    {
        var outcome = GeneratorHarness.Run(Sources.Tiny);
        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Snapshot.Match(outcome.Files["Tests.Tiny.TinyMlp.Network.g.cs"], "TinyMlp.Network");
    }

    [Fact]
    public void GeneratedCode_UsesInvariantNumbersWhateverTheCulture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var outcome = GeneratorHarness.Run(Sources.SetMlp, OutputKind.ConsoleApplication);
            Assert.Contains("0.95", outcome.Files["Examples.Set.SetMlp.Network.g.cs"]);
            Assert.DoesNotContain("0,95", outcome.Files["Examples.Set.SetMlp.Network.g.cs"]);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
