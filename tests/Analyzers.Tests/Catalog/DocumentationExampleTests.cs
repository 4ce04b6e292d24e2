using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SparseDsl.Language;

namespace SparseDsl.Analyzers.Tests.Catalog;

/// <summary>
/// The examples on every docs/diagnostics page are real: the invalid one gets the page's diagnostic (and no other
/// SPD error), the fixed one builds with the generator and gets no SPD diagnostic but the SPD401 warning.
/// </summary>
public sealed class DocumentationExampleTests
{
    public static TheoryData<string> PagesWithExamples()
    {
        var data = new TheoryData<string>();
        foreach (RuleDescriptor rule in DiagnosticCatalog.All.Where(r => r.Id != RuleIds.GeneratorInternalError))
        {
            data.Add(rule.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PagesWithExamples))]
    public void InvalidExample_ReportsThePagesDiagnostic(string id)
    {
        string example = Example(id, "Invalid");
        var spd = AnalyzerHarness.Analyze(example).Where(d => d.Id.StartsWith("SPD", StringComparison.Ordinal)).ToList();

        Assert.Contains(spd, d => d.Id == id);
        Assert.All(spd.Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.Equal(id, d.Id));
    }

    [Theory]
    [MemberData(nameof(PagesWithExamples))]
    public void FixedExample_BuildsWithoutSparseDslDiagnostics(string id)
    {
        var diagnostics = AnalyzerHarness.Build(Example(id, "Fixed"), OutputKind.DynamicallyLinkedLibrary);

        var unexpected = diagnostics.Where(d => d.Id != RuleIds.NotSupportedYet).ToList();
        Assert.True(unexpected.Count == 0, $"{id}'s fixed example: " + string.Join("\n", unexpected));
    }

    private static string Example(string id, string section)
    {
        string page = File.ReadAllText(RepositoryFiles.PathOf("docs/diagnostics/" + id + ".md")).Replace("\r\n", "\n");
        var match = Regex.Match(page, "\n## " + section + "\n\n```csharp\n(.*?)\n```\n", RegexOptions.Singleline);
        Assert.True(match.Success, $"docs/diagnostics/{id}.md has no csharp block under '## {section}'");
        return match.Groups[1].Value;
    }
}
