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
    public void UnsupportedRegrowth_EmitsNoDefinitionAndTheEntryPointSaysWhy()
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp.Replace("[SparsitySchedule(\"static\")]", "[SparsitySchedule(\"set every=100 drop=0.3 grow=momentum\")]"), OutputKind.ConsoleApplication);

        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Assert.DoesNotContain("Definition", outcome.Files["Examples.Set.SetStudy.Study.g.cs"]);
        string program = outcome.Files["SparseDsl.Program.g.cs"];
        Assert.Contains("new global::SparseDsl.Experiments.UnavailableStudy[]", program);
        Assert.Contains("new(\"SetStudy\", \"'set' regrows by momentum (SNFS), which this version cannot run yet", program);
    }

    [Theory]
    [InlineData("set every=100 drop=0.3")]
    [InlineData("gmp from=0 to=0.9 every=100")]
    public void DynamicSchedule_EmitsTheDefinitionWithItsScheduleText(string schedule)
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp.Replace("[SparsitySchedule(\"static\")]", "[SparsitySchedule(\"" + schedule + "\")]"), OutputKind.ConsoleApplication);

        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Assert.Contains("\"" + schedule + "\"", outcome.Files["Examples.Set.SetStudy.Study.g.cs"]);
        Assert.DoesNotContain("UnavailableStudy", outcome.Files["SparseDsl.Program.g.cs"]);
    }

    [Theory]
    [InlineData("\"2:4\"")]
    [InlineData("\"block 8x8\", 0.9")]
    [InlineData("\"rows\", 0.5")]
    public void StructuredPattern_EmitsTheNetwork(string sparse)
    {
        var outcome = GeneratorHarness.Run(Sources.SetMlp.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(" + sparse + ")"), OutputKind.ConsoleApplication);

        Assert.True(outcome.CompileDiagnostics.Count == 0, outcome.Describe());
        Assert.DoesNotContain("no network was generated", outcome.Files["Examples.Set.SetMlp.Network.g.cs"]);
        Assert.Contains("plan.Layer(2)", outcome.Files["Examples.Set.SetMlp.Network.g.cs"]);
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
