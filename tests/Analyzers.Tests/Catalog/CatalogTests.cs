using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SparseDsl.Language;
using SparseDsl.Roslyn;

namespace SparseDsl.Analyzers.Tests.Catalog;

/// <summary>Every rule of the registry is reportable, documented, linked and tracked in a release file.</summary>
public sealed class CatalogTests
{
    public static TheoryData<string> RuleIdsData()
    {
        var data = new TheoryData<string>();
        foreach (RuleDescriptor rule in DiagnosticCatalog.All)
        {
            data.Add(rule.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void EveryRule_HasAPageWithTheRequiredSections(string id)
    {
        string path = RepositoryFiles.PathOf("docs/diagnostics/" + id + ".md");
        Assert.True(File.Exists(path), $"{id} has no page; write docs/diagnostics/{id}.md");

        string page = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.StartsWith("# " + id + ": " + DiagnosticCatalog.Find(id)!.Title + "\n", page);
        foreach (string heading in new[] { "## Invalid", "## Fixed", "## How to fix", "## Changing the severity" })
        {
            Assert.Contains("\n" + heading + "\n", page);
        }
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void EveryRule_HasAHelpLinkToItsPage(string id)
    {
        RuleDescriptor rule = DiagnosticCatalog.Find(id)!;
        Assert.Equal("docs/diagnostics/" + id + ".md", rule.HelpLink);
        if (id != RuleIds.GeneratorInternalError)
        {
            Assert.EndsWith("/" + rule.HelpLink, Descriptors.For(rule).HelpLinkUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnalyzerDescriptors_AgreeWithTheCatalog()
    {
        var analyzerRules = DiagnosticCatalog.All.Where(r => r.Id != RuleIds.GeneratorInternalError).ToList();
        Assert.Equal(analyzerRules.Select(r => r.Id), Descriptors.All.Select(d => d.Id));
        foreach (RuleDescriptor rule in analyzerRules)
        {
            DiagnosticDescriptor descriptor = Descriptors.For(rule);
            Assert.Equal(rule.Title, descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(rule.Category, descriptor.Category);
            Assert.Equal(rule.Severity == RuleSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        }
    }

    [Fact]
    public void EveryAnalyzerRule_IsSupportedByAnAnalyzer()
    {
        var supported = new ModelAnalyzer().SupportedDiagnostics.Concat(new ExperimentAnalyzer().SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.Equal(Descriptors.All.Select(d => d.Id).ToHashSet(), supported);
    }

    /// <summary>
    /// Release tracking is per assembly: the analyzers list every rule but SPD901; the generator lists SPD901 and the
    /// analyzers' rules too, which it reports when the compiler stops before the analyzers run (GeneratorReports).
    /// </summary>
    [Fact]
    public void EveryRule_IsInTheReleaseFilesOfTheAssembliesThatReportIt_WithItsCategoryAndSeverity()
    {
        var analyzers = ReleaseEntries("src/Analyzers");
        var generator = ReleaseEntries("src/Generator");
        foreach (RuleDescriptor rule in DiagnosticCatalog.All)
        {
            var expected = (rule.Category, rule.Severity.ToString());
            Assert.True(generator.TryGetValue(rule.Id, out var entry), $"{rule.Id} is in no AnalyzerReleases file of the generator; add it to src/Generator/AnalyzerReleases.Unshipped.md");
            Assert.Equal(expected, entry);
            if (rule.Id != RuleIds.GeneratorInternalError)
            {
                Assert.True(analyzers.TryGetValue(rule.Id, out entry), $"{rule.Id} is in no AnalyzerReleases file of the analyzers; add it to src/Analyzers/AnalyzerReleases.Unshipped.md");
                Assert.Equal(expected, entry);
            }
        }

        Assert.Equal(DiagnosticCatalog.All.Count - 1, analyzers.Count);
        Assert.Equal(DiagnosticCatalog.All.Count, generator.Count);
    }

    private static Dictionary<string, (string Category, string Severity)> ReleaseEntries(string project)
    {
        var entries = new Dictionary<string, (string Category, string Severity)>();
        foreach (string file in new[] { project + "/AnalyzerReleases.Shipped.md", project + "/AnalyzerReleases.Unshipped.md" })
        {
            // Rows under "### Removed Rules" retire a rule a shipped release listed (SPD206).
            bool removing = false;
            foreach (Match row in Regex.Matches(File.ReadAllText(RepositoryFiles.PathOf(file)), @"^(?:### (.+)|(SPD\d{3}) \| (\S+) \| (\w+) \|)", RegexOptions.Multiline))
            {
                if (row.Groups[1].Success)
                {
                    removing = row.Groups[1].Value.Trim() == "Removed Rules";
                }
                else if (removing)
                {
                    Assert.True(entries.Remove(row.Groups[2].Value), $"{row.Groups[2].Value} is removed in {project}'s release files but was never listed");
                }
                else
                {
                    Assert.True(entries.TryAdd(row.Groups[2].Value, (row.Groups[3].Value, row.Groups[4].Value)), $"{row.Groups[2].Value} is listed twice in {project}'s release files");
                }
            }
        }

        return entries;
    }

    [Theory]
    [InlineData("README.md", "docs/diagnostics/")]
    [InlineData("docs/diagnostics/README.md", "")]
    public void DiagnosticsTable_IsCurrent(string file, string pagesFolder)
    {
        string path = RepositoryFiles.PathOf(file);
        string document = File.ReadAllText(path).Replace("\r\n", "\n");
        string expected = DiagnosticsTable.Render(pagesFolder);
        string? current = DiagnosticsTable.Find(document);
        if (current != expected && Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1" && current is not null)
        {
            File.WriteAllText(path, document.Replace(current, expected));
            return;
        }

        Assert.True(current is not null, $"{file} has no generated diagnostics table; add the two marker lines ({DiagnosticsTable.Start} ... {DiagnosticsTable.End})");
        Assert.True(current == expected, $"the diagnostics table in {file} is stale; rerun the tests with UPDATE_SNAPSHOTS=1 to regenerate it.\nExpected:\n{expected}");
    }
}
