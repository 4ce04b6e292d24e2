using System.Globalization;

namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// For diagnostics that share one span (an error on a block or N:M pattern and the SPD401 warning on the same
/// string), which <see cref="Markup"/> cannot nest: asserts that the analyzers report exactly <c>ids</c>, all at
/// the one occurrence of <c>text</c> in the source, as exact as <see cref="AnalyzerHarness.Verify"/>.
/// </summary>
internal static class SameSpan
{
    public static void Verify(string source, string text, params string[] ids)
    {
        int start = source.IndexOf(text, StringComparison.Ordinal);
        Assert.True(start >= 0 && source.IndexOf(text, start + 1, StringComparison.Ordinal) < 0, $"'{text}' must occur once in the source");
        string Describe(string id, int at, int length) => $"{id} at [{at}..{at + length}) \"{source.Substring(at, length)}\"";

        var expected = ids.OrderBy(id => id, StringComparer.Ordinal).Select(id => Describe(id, start, text.Length));
        var actual = AnalyzerHarness.Analyze(source).Select(d => Describe(d.Id, d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)
            + (d.Location.SourceSpan.Start == start && d.Location.SourceSpan.Length == text.Length ? "" : ": " + d.GetMessage(CultureInfo.InvariantCulture)));
        Assert.Equal(expected, actual);
    }
}
