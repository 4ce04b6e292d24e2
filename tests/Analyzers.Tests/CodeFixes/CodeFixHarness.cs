using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using SparseDsl.Testing;

namespace SparseDsl.Analyzers.Tests.CodeFixes;

/// <summary>
/// Applies a code fix the way the IDE does: the analyzers find the diagnostic in a workspace document, the
/// provider registers its action, the action's edit is applied; then the fixed text is analyzed again.
/// </summary>
internal static class CodeFixHarness
{
    public static string Apply(CodeFixProvider provider, string source, string id)
    {
        var actions = Actions(provider, source, id, out var document);
        Assert.True(actions.Count == 1, $"expected one code fix for {id}, got {actions.Count}");

        var operations = actions[0].GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult();
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return changed.GetDocument(document.Id)!.GetTextAsync().GetAwaiter().GetResult().ToString();
    }

    /// <summary>The code actions <paramref name="provider"/> offers for the one <paramref name="id"/> diagnostic on <paramref name="source"/>.</summary>
    public static IReadOnlyList<CodeAction> Actions(CodeFixProvider provider, string source, string id, out Document document)
    {
        using var workspace = new AdhocWorkspace();
        var compilation = TestCompilation.Create(source);
        var project = workspace.AddProject("UserProject", LanguageNames.CSharp)
            .WithCompilationOptions(compilation.Options)
            .WithParseOptions(TestCompilation.ParseOptions)
            .WithMetadataReferences(compilation.References);
        document = project.AddDocument("User.cs", SourceText.From(source));

        var diagnostic = AnalyzerHarness.Analyze(document.Project.GetCompilationAsync().GetAwaiter().GetResult()!).Single(d => d.Id == id);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        provider.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
        return actions;
    }
}
