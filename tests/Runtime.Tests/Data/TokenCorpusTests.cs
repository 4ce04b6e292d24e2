using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class TokenCorpusTests
{
    private static List<TextDocument> Documents(int count) =>
        Enumerable.Range(0, count).Select(i => new TextDocument($"d{i:D3}", $"document {i} says {new string((char)('a' + i % 26), 5 + i % 7)}.\n")).ToList();

    [Fact]
    public void ByDocument_EveryTenthDocument_DisjointAndComplete()
    {
        List<TextDocument> documents = Documents(500);

        TokenCorpus corpus = TokenCorpus.Create("many", documents);

        Assert.True(corpus.SplitByDocument);
        Assert.Equal(50, corpus.Validation.Documents.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(k => $"d{10 * k + 9:D3}"), corpus.Validation.Documents);
        Assert.Empty(corpus.Train.Documents.Intersect(corpus.Validation.Documents));
        Assert.Equal(documents.Select(d => d.Name), corpus.Train.Documents.Concat(corpus.Validation.Documents).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ByDocument_PartIsItsDocumentsJoinedByNewline()
    {
        List<TextDocument> documents = Documents(20);

        TokenCorpus corpus = TokenCorpus.Create("few", documents);

        Assert.Equal(["d009", "d019"], corpus.Validation.Documents);
        Assert.Equal(documents[9].Text + "\n" + documents[19].Text, ByteTokenizer.Instance.Decode(corpus.Validation.Tokens));
        string train = string.Join("\n", documents.Where((_, i) => i is not (9 or 19)).Select(d => d.Text));
        Assert.Equal(train, ByteTokenizer.Instance.Decode(corpus.Train.Tokens));
    }

    [Fact]
    public void Split_IsDeterministic()
    {
        TokenCorpus a = TokenCorpus.Create("x", Documents(37), 0.2);
        TokenCorpus b = TokenCorpus.Create("x", Documents(37), 0.2);

        Assert.Equal(a.Train.Tokens, b.Train.Tokens);
        Assert.Equal(a.Validation.Tokens, b.Validation.Tokens);
        Assert.Equal(7, a.Validation.Documents.Count); // round(37 × 0.2)
    }

    [Fact]
    public void OneDocument_CutAtTokens_NoOverlap()
    {
        string text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('a' + i % 26)));

        TokenCorpus corpus = TokenCorpus.Create("one", [new TextDocument("f", text)]);

        Assert.False(corpus.SplitByDocument);
        Assert.Equal(text[..90], ByteTokenizer.Instance.Decode(corpus.Train.Tokens));
        Assert.Equal(text[90..], ByteTokenizer.Instance.Decode(corpus.Validation.Tokens));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void ValidationFractionOutside01_Throws(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenCorpus.Create("x", Documents(10), fraction));

    [Fact]
    public void Chunks_InputsAndNextTokenTargets()
    {
        var stream = new TokenStream(Enumerable.Range(100, 23).ToArray(), ["d"]);

        Assert.Equal(5, stream.ChunkCount(4)); // (23 − 1) / 4
        var inputs = new int[8];
        var targets = new int[8];
        stream.FillBatch([4, 1], 4, inputs, targets);

        Assert.Equal([116, 117, 118, 119, 104, 105, 106, 107], inputs);
        Assert.Equal([117, 118, 119, 120, 105, 106, 107, 108], targets);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.FillBatch([5], 4, inputs, targets));
    }

    [Fact]
    public void Chunks_ConsecutiveForEvaluation()
    {
        var stream = new TokenStream(Enumerable.Range(0, 13).ToArray(), ["d"]);
        var inputs = new int[6];
        var targets = new int[6];

        stream.FillBatch(start: 2, count: 2, context: 3, inputs, targets);

        Assert.Equal([6, 7, 8, 9, 10, 11], inputs);
        Assert.Equal([7, 8, 9, 10, 11, 12], targets);
    }

    [Fact]
    public void ByteTokenizer_RoundTripsUtf8()
    {
        const string text = "naïve café – ok\n";

        int[] tokens = ByteTokenizer.Instance.Encode(text);

        Assert.All(tokens, t => Assert.InRange(t, 0, 255));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), tokens.Length);
        Assert.Equal(text, ByteTokenizer.Instance.Decode(tokens));
    }
}
