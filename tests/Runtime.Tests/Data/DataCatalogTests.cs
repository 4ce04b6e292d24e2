using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class DataCatalogTests
{
    private sealed class FakeFetcher(Action<string, string> fetch) : IPackageFetcher
    {
        public int Calls { get; private set; }

        public string Describe(string package) => $"`fake-get download {package}`";

        public void FetchAndExtract(string package, string destination)
        {
            Calls++;
            fetch(package, destination);
        }
    }

    private static DataCatalog Catalog(TempFolder temp, IPackageFetcher fetcher) =>
        new(temp.File("cache"), fetcher) { InstalledRoot = null };

    [Fact]
    public void FetchFails_OneLineNamingCacheCommandReasonAndDataDir()
    {
        using var temp = new TempFolder();
        var fetcher = new FakeFetcher((_, _) => throw new PackageFetchException("E: Unable to locate package\nsecond line"));

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, fetcher).Load("fashion-mnist"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith($"fashion-mnist is not in {temp.File("cache")}/fashion-mnist and `fake-get download dataset-fashion-mnist` failed (E: Unable to locate package second line)", error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get update", error.Message, StringComparison.Ordinal);
        Assert.Contains("--data-dir DIR with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(temp.File("cache")));
    }

    [Fact]
    public void MissingCommand_ReasonSaysNotFound()
    {
        using var temp = new TempFolder();
        var apt = new AptPackageFetcher { AptGet = "/nonexistent/sparsedsl-apt-get" };

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, apt).Fetch("fashion-mnist"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("`/nonexistent/sparsedsl-apt-get download dataset-fashion-mnist` failed (/nonexistent/sparsedsl-apt-get not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailingCommand_ReasonIsItsErrorLine()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // needs a shell script standing in for apt-get
        }

        using var temp = new TempFolder();
        string script = temp.File("fake-apt-get");
        File.WriteAllText(script, "#!/bin/sh\necho 'Reading package lists...'\necho 'E: Unable to locate package '$2 >&2\nexit 100\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, new AptPackageFetcher { AptGet = script }).Fetch("fashion-mnist"));

        Assert.Contains("failed (E: Unable to locate package dataset-fashion-mnist)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FetchedFilesWithOtherHashes_Rejected()
    {
        using var temp = new TempFolder();
        var fetcher = new FakeFetcher((_, destination) =>
            IdxFixtures.WriteFashionMnist(Path.Combine(destination, "usr/share/datasets/fashion-mnist")));

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, fetcher).Load("fashion-mnist"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz with SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("cache/fashion-mnist")));
    }

    [Fact]
    public void PackageWithoutTheFiles_Rejected()
    {
        using var temp = new TempFolder();
        var fetcher = new FakeFetcher((_, _) => { });

        var error = Assert.Throws<DataUnavailableException>(() => Catalog(temp, fetcher).Load("fashion-mnist"));

        Assert.Contains("gave no usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataDir_LoadsWithoutHashCheckOrFetch()
    {
        using var temp = new TempFolder();
        IdxFixtures.WriteFashionMnist(temp.File("mine"), train: 7, test: 3);
        var fetcher = new FakeFetcher((_, _) => throw new InvalidOperationException("must not fetch"));

        Dataset data = Catalog(temp, fetcher).Load("fashion-mnist", temp.File("mine"));

        Assert.Equal((7, 3), (data.Train.Count, data.Test.Count));
        Assert.Equal(0, fetcher.Calls);
    }

    [Fact]
    public void DataDirMissingFile_NamesIt()
    {
        using var temp = new TempFolder();
        IdxFixtures.WriteFashionMnist(temp.File("mine"));
        File.Delete(temp.File("mine/t10k-labels-idx1-ubyte.gz"));

        var error = Assert.Throws<DataUnavailableException>(() =>
            Catalog(temp, new FakeFetcher((_, _) => { })).Load("fashion-mnist", temp.File("mine")));

        Assert.Contains($"--data-dir {temp.File("mine")} has no t10k-labels-idx1-ubyte.gz", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "truncated")]
    [InlineData("train-labels-idx1-ubyte.gz", "not an IDX label file")]
    [InlineData("t10k-labels-idx1-ubyte.gz", "label 12 at sample 0 is not a class in [0, 10)")]
    public void DataDirWithADamagedIdxFile_OneLineNamingTheFileAndTheFix(string name, string what)
    {
        using var temp = new TempFolder();
        string folder = temp.File("mine");
        IdxFixtures.WriteFashionMnist(folder, train: 40, test: 20);
        string path = Path.Combine(folder, name);
        byte[] good = File.ReadAllBytes(path);
        File.WriteAllBytes(path, what switch
        {
            "truncated" => good[..(good.Length / 2)],
            "not an IDX label file" => IdxFixtures.Gzip(IdxFixtures.Labels([1, 2, 3], magic: 0x0BADF00D)),
            _ => IdxFixtures.Gzip(IdxFixtures.Labels([.. Enumerable.Repeat((byte)12, 20)])),
        });

        var error = Assert.Throws<DataUnavailableException>(() =>
            Catalog(temp, new FakeFetcher((_, _) => { })).Load("fashion-mnist", folder));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith($"cannot read --data-dir {folder}: {path}: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains(what, StringComparison.Ordinal), error.Message);
        Assert.EndsWith("replace the file with a good copy (the Debian package dataset-fashion-mnist ships them) or pass another --data-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirAbsent_Says()
    {
        using var temp = new TempFolder();

        var error = Assert.Throws<DataUnavailableException>(() =>
            Catalog(temp, new FakeFetcher((_, _) => { })).Load("fashion-mnist", temp.File("nowhere")));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownName_ListsKnownNames()
    {
        var error = Assert.Throws<DataUnavailableException>(() => DataCatalog.Resolve("cifar-10"));

        Assert.Equal("Unknown data set 'cifar-10'; known: fashion-mnist, synthetic, brown, text:PATH", error.Message);
    }

    [Fact]
    public void Synthetic_NeedsNoFetch()
    {
        using var temp = new TempFolder();
        var fetcher = new FakeFetcher((_, _) => throw new InvalidOperationException("must not fetch"));

        Dataset data = Catalog(temp, fetcher).Load("synthetic");

        Assert.Equal("synthetic", data.Name);
        Assert.Null(Catalog(temp, fetcher).Fetch("synthetic"));
        Assert.Equal(0, fetcher.Calls);
    }

    [Fact]
    public void CacheRoot_FollowsEnvironmentVariable()
    {
        string? before = Environment.GetEnvironmentVariable(DataCatalog.CacheVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataCatalog.CacheVariable, "/tmp/sparsedsl-data-root");
            Assert.Equal("/tmp/sparsedsl-data-root/fashion-mnist", new DataCatalog().CacheDirectory("fashion-mnist"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataCatalog.CacheVariable, before);
        }
    }

    [Fact]
    public void LastErrorLine_PrefersAptErrorLine()
    {
        Assert.Equal("E: broken", AptPackageFetcher.LastErrorLine("W: something\nE: broken\nN: note\n", ""));
        Assert.Equal("last", AptPackageFetcher.LastErrorLine("first\nlast\n", ""));
        Assert.Equal("out", AptPackageFetcher.LastErrorLine("", "out\n"));
    }
}
