using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>How <see cref="ResultStores"/> finds the store: the argument, <c>SPARSEDSL_STORE</c>, <c>@FILE</c>, the default.</summary>
public sealed class ResultStoresTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void NoArgument_TakesTheEnvironmentVariable_ElseResultsDb()
    {
        Func<string, string?> environment = name => name == "SPARSEDSL_STORE" ? "postgres://me@db/grid" : null;

        Assert.Equal("postgres://me@db/grid", ResultStores.Resolve(null, environment));
        Assert.Equal("postgres://me@db/grid", ResultStores.Resolve("", environment));
        Assert.Equal("mine.db", ResultStores.Resolve("mine.db", environment));
        Assert.Equal(SqliteResultStore.DefaultFileName, ResultStores.Resolve(null, NoEnvironment));
        Assert.Equal(SqliteResultStore.DefaultFileName, ResultStores.Resolve(null, _ => "  "));
    }

    [Fact]
    public void AtFile_ReadsTheLocationFromTheFilesFirstLine_FromTheArgumentOrTheVariable()
    {
        using var folder = new StoreFolder();
        string file = Path.Combine(folder.Folder, "store.url");
        File.WriteAllText(file, "  postgres://me:pw@db:5433/grid  \nsecond line\n");

        Assert.Equal("postgres://me:pw@db:5433/grid", ResultStores.Resolve("@" + file, NoEnvironment));
        Assert.Equal("postgres://me:pw@db:5433/grid", ResultStores.Resolve(null, _ => "@" + file));
    }

    [Fact]
    public void AtFile_MissingOrEmpty_IsOneLine()
    {
        using var folder = new StoreFolder();
        string missing = Path.Combine(folder.Folder, "nope.url");
        string empty = Path.Combine(folder.Folder, "empty.url");
        File.WriteAllText(empty, "\n");

        var notThere = Assert.Throws<ResultStoreException>(() => ResultStores.Resolve("@" + missing, NoEnvironment));
        var blank = Assert.Throws<ResultStoreException>(() => ResultStores.Resolve("@" + empty, NoEnvironment));

        Assert.Contains(missing, notThere.Message, StringComparison.Ordinal);
        Assert.Contains("first line", blank.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', notThere.Message + blank.Message);
    }

    [Fact]
    public void ResultStoresOpen_PathOpensSqlite()
    {
        using var folder = new StoreFolder();
        using IResultStore store = ResultStores.Open(folder.Db);

        Assert.IsType<SqliteResultStore>(store);
        Assert.Equal(folder.Db, store.Location);
    }

    [Fact]
    public void UnreadableUrl_IsOneLine_WithThePasswordMasked()
    {
        var error = Assert.Throws<ResultStoreException>(() => ResultStores.Open("postgres://me:hunter2@no host/grid"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres://me:***@", error.Message, StringComparison.Ordinal);
    }
}
