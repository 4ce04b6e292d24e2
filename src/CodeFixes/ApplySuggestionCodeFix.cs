using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SparseDsl.Language;

namespace SparseDsl.CodeFixes;

/// <summary>
/// Rules that know the right value put it in the diagnostic (property <c>SparseDsl.Replacement</c>); this fix
/// writes it over the underlined text. SPD103: a block size snapped to the nearest sizes that divide the layer.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ApplySuggestionCodeFix)), Shared]
public sealed class ApplySuggestionCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BlockDoesNotDivideLayer);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var span = diagnostic.Location.SourceSpan;
            if (root is null
                || !diagnostic.Properties.TryGetValue(DiagnosticProperties.Replacement, out var replacement) || replacement is null
                || !InsideStringLiteral(root, span))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use " + replacement,
                    async cancellation =>
                    {
                        var text = await context.Document.GetTextAsync(cancellation).ConfigureAwait(false);
                        return context.Document.WithText(text.WithChanges(new TextChange(span, replacement)));
                    },
                    equivalenceKey: nameof(ApplySuggestionCodeFix) + diagnostic.Id),
                diagnostic);
        }
    }

    /// <summary>
    /// The replacement is text inside a string (a block size in a pattern); where the argument is a constant or an
    /// expression instead, the diagnostic spans the whole argument and writing bare text there would not compile.
    /// </summary>
    private static bool InsideStringLiteral(SyntaxNode root, TextSpan span)
    {
        var token = root.FindToken(span.Start);
        return token.IsKind(SyntaxKind.StringLiteralToken) || token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) || token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)
            ? span.Start > token.SpanStart && span.End < token.Span.End
            : false;
    }
}
