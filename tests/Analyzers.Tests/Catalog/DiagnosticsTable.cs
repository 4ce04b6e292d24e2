using System.Text;
using Microsoft.CodeAnalysis.CodeFixes;
using SparseDsl.CodeFixes;
using SparseDsl.Language;

namespace SparseDsl.Analyzers.Tests.Catalog;

/// <summary>
/// The diagnostics tables of README.md and docs/diagnostics/README.md, rendered from the registry
/// (<see cref="DiagnosticCatalog"/>) and the code fixes, so they cannot drift from what the analyzers report.
/// </summary>
internal static class DiagnosticsTable
{
    public const string Start = "<!-- diagnostics table: generated from DiagnosticCatalog by tests/Analyzers.Tests; UPDATE_SNAPSHOTS=1 rewrites it -->";
    public const string End = "<!-- end of diagnostics table -->";

    private static readonly CodeFixProvider[] Fixes = { new MakeTypePartialCodeFix(), new RemoveRepeatedGridAxisCodeFix(), new ApplySuggestionCodeFix() };

    /// <summary>The table, with links relative to <paramref name="pagesFolder"/> ("docs/diagnostics/" from the root, "" beside the pages).</summary>
    public static string Render(string pagesFolder)
    {
        var fixable = new HashSet<string>(Fixes.SelectMany(f => f.FixableDiagnosticIds), StringComparer.Ordinal);
        var text = new StringBuilder();
        text.Append(Start).Append('\n');
        text.Append("| ID | severity | what it means | code fix |\n");
        text.Append("|---|---|---|---|\n");
        foreach (RuleDescriptor rule in DiagnosticCatalog.All)
        {
            string severity = rule.Severity == RuleSeverity.Error ? "error" : "warning";
            string fix = fixable.Contains(rule.Id) ? "yes" : "";
            text.Append($"| [{rule.Id}]({pagesFolder}{rule.Id}.md) | {severity} | {rule.Title} | {fix} |\n");
        }

        text.Append(End);
        return text.ToString();
    }

    /// <summary>The text between (and including) the markers in <paramref name="document"/>, or null when they are missing.</summary>
    public static string? Find(string document)
    {
        int start = document.IndexOf(Start, StringComparison.Ordinal);
        int end = document.IndexOf(End, StringComparison.Ordinal);
        return start < 0 || end < start ? null : document.Substring(start, end + End.Length - start);
    }
}
