namespace SparseDsl.Language.Tests.Expressions;

using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SparseDsl.Language;
using E = SparseDsl.Language.Expressions;

/// <summary>The error examples in docs/language.md are what the parsers really say.</summary>
public class DocsErrorTableTests
{
    private static string DocsPath([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "docs", "language.md"));

    public static IEnumerable<object[]> Rows()
    {
        var row = new Regex(@"^\| `(?<text>[^`]*)`(?: \(empty\))? \| (?<column>\d+) \| (?<length>\d+) \| (?<message>.+) \|$");
        return File.ReadAllLines(DocsPath())
            .SkipWhile(line => line != "## Error examples")
            .Select(line => row.Match(line))
            .Where(m => m.Success)
            .Select(m => new object[] { m.Groups["text"].Value, int.Parse(m.Groups["column"].Value), int.Parse(m.Groups["length"].Value), m.Groups["message"].Value });
    }

    [Fact]
    public void Table_HasRows() => Assert.True(Rows().Count() >= 10);

    [Theory]
    [MemberData(nameof(Rows))]
    public void DocumentedError_IsWhatAParserReports(string text, int column, int length, string message)
    {
        ParseError?[] errors =
        {
            E.ParsePattern(text).Error, E.ParseOptimizer(text).Error, E.ParseSchedule(text).Error, E.ParseGridValues(text).Error,
        };
        Assert.Contains(new ParseError(column, length, message, ""), errors.Where(e => e is not null).Select(e => e! with { Expected = "" }));
    }
}
