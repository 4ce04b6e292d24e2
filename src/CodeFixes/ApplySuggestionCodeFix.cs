using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
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
    /// <summary>Must match <c>Finding.ReplacementProperty</c> in the analyzers.</summary>
    public const string ReplacementProperty = "SparseDsl.Replacement";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BlockDoesNotDivideLayer);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(ReplacementProperty, out var replacement) || replacement is null)
            {
                continue;
            }

            var span = diagnostic.Location.SourceSpan;
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

        return Task.CompletedTask;
    }
}
