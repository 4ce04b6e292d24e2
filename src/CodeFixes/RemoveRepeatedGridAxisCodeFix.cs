using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseDsl.Language;

namespace SparseDsl.CodeFixes;

/// <summary>
/// SPD303: removes the repeated [Grid] attribute (the diagnostic is on its second occurrence), or its whole
/// attribute list when it stands alone in one.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRepeatedGridAxisCodeFix)), Shared]
public sealed class RemoveRepeatedGridAxisCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.GridAxisRepeated);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var attribute = root?.FindNode(context.Span).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
        if (root is null || attribute?.Parent is not AttributeListSyntax list)
        {
            return;
        }

        SyntaxNode remove = list.Attributes.Count == 1 ? list : attribute;
        context.RegisterCodeFix(
            CodeAction.Create(
                "Remove the repeated grid axis",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.RemoveNode(remove, SyntaxRemoveOptions.KeepNoTrivia)!)),
                equivalenceKey: nameof(RemoveRepeatedGridAxisCodeFix)),
            context.Diagnostics);
    }
}
