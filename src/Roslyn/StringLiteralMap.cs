using System.Collections.Generic;

namespace SparseDsl.Roslyn;

/// <summary>
/// Maps positions in a string literal's value to positions in its source text, so an expression error at
/// column c of the value underlines the right characters whatever the literal's form: regular (with escape
/// sequences), verbatim (<c>@"..."</c>, doubled quotes) or raw (<c>"""..."""</c>, single- or multi-line).
/// </summary>
internal static class StringLiteralMap
{
    /// <summary>
    /// For each character of the value, its offset in <paramref name="tokenText"/>; one more entry gives the
    /// offset just after the last character. Null when the literal's form is not one of the above.
    /// </summary>
    public static IReadOnlyList<int>? Offsets(string tokenText)
    {
        if (tokenText.StartsWith("\"\"\"", System.StringComparison.Ordinal))
        {
            return Raw(tokenText);
        }

        if (tokenText.StartsWith("@\"", System.StringComparison.Ordinal))
        {
            return Verbatim(tokenText);
        }

        return tokenText.StartsWith("\"", System.StringComparison.Ordinal) ? Regular(tokenText) : null;
    }

    private static List<int> Regular(string text)
    {
        var offsets = new List<int>();
        int i = 1;
        int end = text.Length - 1; // the closing quote
        while (i < end)
        {
            offsets.Add(i);
            if (text[i] != '\\' || i + 1 >= end)
            {
                i++;
                continue;
            }

            char kind = text[i + 1];
            int digits = kind switch { 'u' => 4, 'U' => 8, 'x' => HexRun(text, i + 2, end), _ => 0 };
            if (kind == 'U' && i + 10 <= end && uint.TryParse(text.Substring(i + 2, 8), System.Globalization.NumberStyles.HexNumber, null, out uint code) && code > 0xFFFF)
            {
                offsets.Add(i); // an astral code point is two UTF-16 characters of the value
            }

            i += 2 + digits;
        }

        offsets.Add(end);
        return offsets;
    }

    private static int HexRun(string text, int from, int end)
    {
        int n = 0;
        while (n < 4 && from + n < end && System.Uri.IsHexDigit(text[from + n]))
        {
            n++;
        }

        return n;
    }

    private static List<int> Verbatim(string text)
    {
        var offsets = new List<int>();
        int i = 2;
        int end = text.Length - 1;
        while (i < end)
        {
            offsets.Add(i);
            i += text[i] == '"' && i + 1 < end && text[i + 1] == '"' ? 2 : 1;
        }

        offsets.Add(end);
        return offsets;
    }

    private static List<int>? Raw(string text)
    {
        int quotes = 0;
        while (quotes < text.Length && text[quotes] == '"')
        {
            quotes++;
        }

        int closing = text.Length - quotes;
        int firstNewline = text.IndexOf('\n');
        if (firstNewline < 0 || firstNewline > closing)
        {
            // Single line: the value is everything between the quote runs.
            var single = new List<int>();
            for (int i = quotes; i <= closing; i++)
            {
                single.Add(i);
            }

            return single;
        }

        // Multi-line: the value is the lines between the delimiters' lines, each without the closing line's
        // indentation, joined by their line breaks (the break before the closing delimiter is not part of it).
        int closingLineStart = text.LastIndexOf('\n', closing - 1) + 1;
        int indentation = closing - closingLineStart;
        int valueEnd = closingLineStart - 1;
        if (valueEnd > 0 && text[valueEnd - 1] == '\r')
        {
            valueEnd--;
        }

        var offsets = new List<int>();
        int lineStart = firstNewline + 1;
        while (lineStart <= valueEnd)
        {
            int lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0 || lineEnd > valueEnd)
            {
                lineEnd = valueEnd;
            }

            // Strip the indentation (a blank line may be shorter than it; its line break stays).
            int from = lineStart;
            while (from < lineEnd && from - lineStart < indentation && (text[from] == ' ' || text[from] == '\t'))
            {
                from++;
            }

            for (int i = from; i < lineEnd; i++)
            {
                offsets.Add(i);
            }

            if (lineEnd < valueEnd)
            {
                offsets.Add(lineEnd); // the line break is a character of the value
            }

            lineStart = lineEnd + 1;
        }

        offsets.Add(valueEnd);
        return offsets;
    }
}
