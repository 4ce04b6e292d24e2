using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseDsl.Roslyn;

namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// Value positions map to the source characters that spell them, checked against Roslyn's own reading of each
/// piece, for random values written as regular (with escapes), verbatim and raw literals.
/// </summary>
public sealed class StringLiteralMapTests
{
    private const string Alphabet = "ab x:0.9\t\"\\\u00e9\u4e2d";

    private static string RandomValue(Random random) =>
        new(Enumerable.Range(0, random.Next(1, 24)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());

    private static string ValueOf(string literal) =>
        ((LiteralExpressionSyntax)SyntaxFactory.ParseExpression(literal)).Token.ValueText;

    [Fact]
    public void RegularLiteralsWithEscapes_EachPieceSpellsItsCharacter()
    {
        var random = new Random(20261201);
        for (int trial = 0; trial < 200; trial++)
        {
            string value = RandomValue(random);
            string text = SyntaxFactory.Literal(value).Text; // escapes \t, \", \\ and may escape others
            text = random.Next(2) == 0 ? text : text.Replace("a", "\\u0061").Replace("b", "\\x0062");
            Assert.Equal(value, ValueOf(text));

            var offsets = StringLiteralMap.Offsets(text)!;
            Assert.Equal(value.Length + 1, offsets.Count);
            for (int i = 0; i < value.Length; i++)
            {
                string piece = text.Substring(offsets[i], offsets[i + 1] - offsets[i]);
                Assert.Equal(value[i].ToString(), ValueOf("\"" + piece + "\""));
            }
        }
    }

    [Fact]
    public void VerbatimLiterals_DoubledQuotesAreOneCharacter()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            string value = RandomValue(random);
            string text = "@\"" + value.Replace("\"", "\"\"") + "\"";
            Assert.Equal(value, ValueOf(text));

            var offsets = StringLiteralMap.Offsets(text)!;
            Assert.Equal(value.Length + 1, offsets.Count);
            for (int i = 0; i < value.Length; i++)
            {
                Assert.Equal(value[i].ToString(), ValueOf("@\"" + text.Substring(offsets[i], offsets[i + 1] - offsets[i]) + "\""));
            }
        }
    }

    [Theory]
    [InlineData("\"\"\"block 16y16\"\"\"")]
    [InlineData("\"\"\"\"a \"\"\" b\"\"\"\"")]
    [InlineData("\"\"\"\n    block 16y16\n      two\n    \"\"\"")]
    [InlineData("\"\"\"\r\n  x\r\n\r\n  yz\r\n  \"\"\"")]
    public void RawLiterals_MapEveryValueCharacterToItsSourceCharacter(string text)
    {
        string value = ValueOf(text);
        var offsets = StringLiteralMap.Offsets(text)!;

        Assert.Equal(value.Length + 1, offsets.Count);
        for (int i = 0; i < value.Length; i++)
        {
            Assert.Equal(value[i], text[offsets[i]]);
        }
    }

    [Fact]
    public void PatternErrorInARawString_UnderlinesTheOffendingCharacters() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"\"\"block 16{|SPD102:y16|}\"\"\", 0.95)")));

    [Fact]
    public void PatternErrorAfterAnEscape_UnderlinesTheOffendingCharacters() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"block\\t16{|SPD102:y16|}\", 0.95)")));

    [Fact]
    public void ArgumentWrittenWithItsParameterName_IsTheOneUnderlined() =>
        AnalyzerHarness.Verify(Declarations.File(Declarations.Model.Replace("Sparse(\"unstructured\", 0.95)", "Sparse(sparsity: {|SPD101:1.5|}, pattern: \"unstructured\")")));
}
