using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SparseDsl.Language;

namespace SparseDsl.Analyzers.Tests.Catalog;

/// <summary>
/// The examples in the attributes' XML documentation (what IntelliSense shows, docs/package.md) are real: every
/// expression quoted in an attribute's doc parses with that attribute's grammar, and the declarations in its
/// <c>&lt;code&gt;</c> blocks build with the generator without an SPD diagnostic.
/// </summary>
public sealed class AttributeDocExampleTests
{
    private static readonly string[] Files = ["src/Runtime/Declarations/ModelAttributes.cs", "src/Runtime/Declarations/ExperimentAttributes.cs"];

    // The model the experiment's example names; the model's own example is compiled with it.
    private const string SmallMlp = """
        [SparseModel(Sparsity = 0.8, Distribution = Distribution.Erk)]
        public partial class SmallMlp
        {
            [Input(32)] public partial Layer Features { get; }
            [Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1 { get; }
            [Dense(10), KeepDense] public partial Layer Output { get; }
        }
        """;

    [Fact]
    public void QuotedExpressions_ParseWithTheirAttributesGrammar()
    {
        var checkedExamples = new List<string>();
        var failures = new List<string>();
        foreach ((string attribute, string doc) in AttributeDocs())
        {
            // Quoted forms in the attribute's own doc: <c>"…"</c>, and the table terms <term><c>…</c></term> (whole
            // expressions, except in the optimizer's table, which lists single options).
            var quoted = Regex.Matches(doc, "<c>\"([^\"]*)\"</c>").Select(m => m.Groups[1].Value)
                .Concat(attribute == "Optimizer" ? [] : Regex.Matches(doc, "<term><c>([^<]*)</c></term>").Select(m => m.Groups[1].Value));
            foreach (string text in quoted)
            {
                Check(attribute, text);
            }
        }

        // Attribute usages anywhere in the docs, members' included: [Sparse("…")], [Optimizer("…")],
        // [SparsitySchedule("…")], [Grid("axis", "…")].
        string allDocs = string.Join("\n", Files.SelectMany(f => File.ReadAllLines(RepositoryFiles.PathOf(f))).Where(l => l.TrimStart().StartsWith("///", StringComparison.Ordinal)));
        foreach (Match usage in Regex.Matches(allDocs, "(Sparse|Optimizer|SparsitySchedule)\\(\"([^\"]*)\"|Grid\\(\"\\w+\", \"([^\"]*)\"\\)"))
        {
            Check(usage.Groups[1].Success ? usage.Groups[1].Value : "Grid", usage.Groups[1].Success ? usage.Groups[2].Value : usage.Groups[3].Value);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains("block 16x16 0.9", checkedExamples);
        Assert.Contains("rigl every=100 drop=0.3 cosine until=75%", checkedExamples);
        Assert.Contains("1..16 x2", checkedExamples);

        void Check(string attribute, string text)
        {
            string? error = attribute switch
            {
                "Sparse" => Expressions.ParseSparse(text).Error?.Message,
                "Optimizer" => Expressions.ParseOptimizer(text).Error?.Message,
                "SparsitySchedule" => Expressions.ParseSchedule(text).Error?.Message,
                "Grid" => Expressions.ParseGridValues(text).Error?.Message,
                _ => null,
            };
            if (attribute is "Sparse" or "Optimizer" or "SparsitySchedule" or "Grid")
            {
                checkedExamples.Add(text);
            }

            if (error is not null)
            {
                failures.Add($"[{attribute}] \"{text}\": {error}");
            }
        }
    }

    [Fact]
    public void CodeExamples_BuildWithoutSparseDslDiagnostics()
    {
        var blocks = AttributeDocs()
            .SelectMany(d => Regex.Matches(d.Doc, "<code>\n(.*?)\n</code>", RegexOptions.Singleline).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Equal(2, blocks.Count);

        string source = "using SparseDsl;\n\nnamespace Docs.AttributeExamples;\n\n" + SmallMlp + "\n\n" + string.Join("\n\n", blocks) + "\n";
        var diagnostics = AnalyzerHarness.Build(source, OutputKind.DynamicallyLinkedLibrary);

        Assert.True(diagnostics.Count == 0, "the attributes' code examples:\n" + source + "\n" + string.Join("\n", diagnostics));
    }

    /// <summary>Each attribute class's doc comment (the /// lines before it, without the slashes), by the attribute's name.</summary>
    private static IEnumerable<(string Attribute, string Doc)> AttributeDocs()
    {
        foreach (string file in Files)
        {
            var doc = new List<string>();
            foreach (string line in File.ReadAllLines(RepositoryFiles.PathOf(file)))
            {
                string trimmed = line.TrimStart();
                if (trimmed.StartsWith("///", StringComparison.Ordinal))
                {
                    doc.Add(trimmed.Length > 3 && trimmed[3] == ' ' ? trimmed[4..] : trimmed[3..]);
                    continue;
                }

                var type = Regex.Match(trimmed, "^public sealed class (\\w+)Attribute\\b");
                if (type.Success)
                {
                    yield return (type.Groups[1].Value, string.Join("\n", doc).Replace("&lt;", "<").Replace("&gt;", ">"));
                }

                if (!trimmed.StartsWith('['))
                {
                    doc.Clear();
                }
            }
        }
    }
}
