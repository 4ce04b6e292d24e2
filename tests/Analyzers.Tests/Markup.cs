using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace SparseDsl.Analyzers.Tests;

/// <summary>An expected diagnostic: its ID and the exact span it must underline.</summary>
internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// <c>{|SPD101:1.2|}</c> markup, as the Roslyn testing library writes it: the text between the colon and
/// <c>|}</c> is what the diagnostic must underline; the markup itself is removed from the source.
/// </summary>
internal static class Markup
{
    public static (string Source, IReadOnlyList<ExpectedDiagnostic> Expected) Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<ExpectedDiagnostic>();
        int i = 0;
        while (i < markup.Length)
        {
            int open = markup.IndexOf("{|", i, StringComparison.Ordinal);
            if (open < 0)
            {
                source.Append(markup, i, markup.Length - i);
                break;
            }

            source.Append(markup, i, open - i);
            int colon = markup.IndexOf(':', open);
            int close = markup.IndexOf("|}", colon, StringComparison.Ordinal);
            if (colon < 0 || close < 0)
            {
                throw new ArgumentException($"Unclosed diagnostic markup at offset {open}.", nameof(markup));
            }

            string id = markup.Substring(open + 2, colon - open - 2);
            string text = markup.Substring(colon + 1, close - colon - 1);
            expected.Add(new ExpectedDiagnostic(id, new TextSpan(source.Length, text.Length)));
            source.Append(text);
            i = close + 2;
        }

        return (source.ToString(), expected);
    }
}
