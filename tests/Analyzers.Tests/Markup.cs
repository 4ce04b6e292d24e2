using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace SparseDsl.Analyzers.Tests;

/// <summary>An expected diagnostic: its ID and the exact span it must underline.</summary>
internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// <c>{|SPD101:1.2|}</c> markup, as the Roslyn testing library writes it: the text between the colon and
/// <c>|}</c> is what the diagnostic must underline; the markup itself is removed from the source. Marks nest, as
/// in the Roslyn testing library, for a diagnostic inside another's span or two at the same span:
/// <c>{|SPDaaa:{|SPDbbb:text|}|}</c>; for example <c>"set {|SPD203:drop=1.5|}"</c>.
/// </summary>
internal static class Markup
{
    public static (string Source, IReadOnlyList<ExpectedDiagnostic> Expected) Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string Id, int Start, int Offset)>();
        int i = 0;
        while (i < markup.Length)
        {
            if (string.CompareOrdinal(markup, i, "{|", 0, 2) == 0)
            {
                int colon = markup.IndexOf(':', i + 2);
                if (colon < 0)
                {
                    throw new ArgumentException($"Diagnostic markup without ':' at offset {i}.", nameof(markup));
                }

                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length, i));
                i = colon + 1;
            }
            else if (open.Count > 0 && string.CompareOrdinal(markup, i, "|}", 0, 2) == 0)
            {
                (string id, int start, _) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            throw new ArgumentException($"Unclosed diagnostic markup at offset {open.Peek().Offset}.", nameof(markup));
        }

        return (source.ToString(), expected);
    }
}
