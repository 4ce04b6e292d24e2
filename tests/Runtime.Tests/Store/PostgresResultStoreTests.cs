using System.Collections.Concurrent;
using SparseDsl.Experiments;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>The store contract on PostgreSQL: each store a fresh database of the test cluster.</summary>
[Collection(PostgresCluster.Collection)]
public sealed class PostgresStoreContractTests(PostgresCluster cluster) : ResultStoreContract, INeedPostgres
{
    protected override string NewStore() => cluster.CreateDatabase();

    protected override IResultStore Open(string location, TimeProvider? clock) => PostgresResultStore.Open(location, clock);
}

/// <summary>What only the PostgreSQL store does: its schema in a database, the URL, the server's errors, the password kept secret.</summary>
[Collection(PostgresCluster.Collection)]
public sealed class PostgresResultStoreTests(PostgresCluster cluster, ITestOutputHelper output)
{
    private const string Secret = "s3cret-Pa55";

    [PostgresFact]
    public void EmptyDatabase_GetsTheSchemaAtVersion1_AndReopensAsIs()
    {
        string url = cluster.CreateDatabase();
        using (PostgresResultStore store = PostgresResultStore.Open(url))
        {
            store.StartRun(StoreFolder.Run("a"));
        }

        using PostgresResultStore again = PostgresResultStore.Open(url);
        string database = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal(1, cluster.Scalar(database, "SELECT version FROM schema_version"));
        Assert.Equal(1L, cluster.Scalar(database, "SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(RunStatus.Running, again.GetRun("a")!.Status);
    }

    [PostgresFact]
    public void DatabaseOfAnotherProgram_RefusedInOneLine_AndLeftUnchanged()
    {
        string url = cluster.CreateDatabase();
        string database = url[(url.LastIndexOf('/') + 1)..];
        cluster.Execute(database, "CREATE TABLE customers (id integer PRIMARY KEY); INSERT INTO customers VALUES (7)");

        var error = Assert.Throws<ResultStoreException>(() => PostgresResultStore.Open(url));

        Assert.Contains("some other program", error.Message, StringComparison.Ordinal);
        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(0L, cluster.Scalar(database, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'runs'"));
        Assert.Equal(7, cluster.Scalar(database, "SELECT id FROM customers"));
    }

    [PostgresFact]
    public void NewerSchema_RefusesToOpen()
    {
        string url = cluster.CreateDatabase();
        PostgresResultStore.Open(url).Dispose();
        cluster.Execute(url[(url.LastIndexOf('/') + 1)..], "UPDATE schema_version SET version = 99");

        var error = Assert.Throws<ResultStoreException>(() => PostgresResultStore.Open(url));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public void ResultStoresOpen_PostgresAndPostgresqlUrls_OpenThePostgresStore()
    {
        string url = cluster.CreateDatabase();
        using IResultStore first = ResultStores.Open(url);
        using IResultStore second = ResultStores.Open("postgresql" + url["postgres".Length..]);

        Assert.IsType<PostgresResultStore>(first);
        Assert.Equal(url, first.Location);
        first.AddPending([StoreFolder.Run("a")]);
        Assert.Equal(RunStatus.Pending, second.GetRun("a")!.Status);
    }

    [PostgresFact]
    public void StoreAtAFileUrl_OpensFromTheFilesFirstLine_WithThePasswordMasked()
    {
        string url = cluster.CreateDatabase().Replace("sparsedsl@", $"sparsedsl:{Secret}@", StringComparison.Ordinal);
        using var folder = new StoreFolder();
        string file = Path.Combine(folder.Folder, "store.url");
        File.WriteAllText(file, url + "\n# the store of the grid\n");

        using IResultStore store = ResultStores.Open("@" + file);

        Assert.IsType<PostgresResultStore>(store);
        Assert.Equal(url.Replace(Secret, "***", StringComparison.Ordinal), store.Location);
        Assert.DoesNotContain(Secret, store.Location, StringComparison.Ordinal);
    }

    [PostgresFact]
    public void PasswordInTheUrl_NeverInAnyMessage()
    {
        int closed = PostgresCluster.FreePort();
        var messages = new List<string>();
        foreach (string url in new[]
        {
            $"postgres://someone:{Secret}@127.0.0.1:{closed}/grid", // nothing listens there
            $"postgres://sparsedsl:{Secret}@127.0.0.1:{cluster.Port}/no_such_database",
            $"postgres://sparsedsl:{Secret}@127.0.0.1:{cluster.Port}/",
            $"postgres://sparsedsl:{Secret}@127.0.0.1:{cluster.Port}/grid?no_such_setting=1",
            $"postgres://sparsedsl:{Secret}@bad host:{cluster.Port}/grid",
            $"postgres://someone@127.0.0.1:{closed}/grid?password={Secret}",
        })
        {
            var error = Assert.Throws<ResultStoreException>(() => ResultStores.Open(url));
            messages.Add(error.Message);
            for (Exception? e = error; e is not null; e = e.InnerException)
            {
                Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
            }
        }

        messages.ForEach(output.WriteLine);
        Assert.All(messages, m => Assert.DoesNotContain('\n', m));
        Assert.Contains($"is PostgreSQL running at 127.0.0.1:{closed}? start it or fix --store", messages[0], StringComparison.Ordinal);
        Assert.Contains("no database 'no_such_database'", messages[1], StringComparison.Ordinal);
        Assert.Contains("names no database", messages[2], StringComparison.Ordinal);
        Assert.Contains("'no_such_setting'", messages[3], StringComparison.Ordinal);
        Assert.Contains("***", messages[4], StringComparison.Ordinal);
        Assert.Contains($"is PostgreSQL running at 127.0.0.1:{closed}?", messages[5], StringComparison.Ordinal);
    }

    [PostgresFact]
    public void ServerAskingForAPassword_RightOneOpens_WrongOneRefusedInOneLine_NeitherEverShown()
    {
        string url = cluster.CreateDatabase();
        string database = url[(url.LastIndexOf('/') + 1)..];
        cluster.CreatePasswordUser(Secret);
        cluster.Execute("postgres", $"ALTER DATABASE {database} OWNER TO {PostgresCluster.PasswordUser}");
        cluster.Execute(database, $"ALTER SCHEMA public OWNER TO {PostgresCluster.PasswordUser}");
        string right = $"postgres://{PostgresCluster.PasswordUser}:{Secret}@127.0.0.1:{cluster.Port}/{database}";
        string wrong = right.Replace(Secret, "not-" + Secret, StringComparison.Ordinal);

        using (IResultStore store = ResultStores.Open(right))
        {
            store.StartRun(StoreFolder.Run("a"));
            Assert.Equal($"postgres://{PostgresCluster.PasswordUser}:***@127.0.0.1:{cluster.Port}/{database}", store.Location);
        }

        var refused = Assert.Throws<ResultStoreException>(() => ResultStores.Open(wrong));
        var noPassword = Assert.Throws<ResultStoreException>(() => ResultStores.Open(right.Replace($":{Secret}", "", StringComparison.Ordinal)));
        output.WriteLine(refused.Message);
        output.WriteLine(noPassword.Message);

        Assert.Contains($"refused user '{PostgresCluster.PasswordUser}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("set PGPASSWORD", noPassword.Message, StringComparison.Ordinal);
        foreach (Exception error in new Exception[] { refused, noPassword })
        {
            Assert.Contains($"127.0.0.1:{cluster.Port}", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            for (Exception? e = error; e is not null; e = e.InnerException)
            {
                Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
            }
        }
    }

    [PostgresFact]
    public void ServerEndedTheSession_OneTransientLineNamingTheServer_ThenTheStoreReconnects()
    {
        string url = cluster.CreateDatabase();
        string database = url[(url.LastIndexOf('/') + 1)..];
        using PostgresResultStore store = PostgresResultStore.Open(url);
        store.StartRun(StoreFolder.Run("a"));

        // As a server restart would: the backend of the store's connection ends.
        cluster.Execute("postgres", $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND application_name = 'sparsedsl'");

        var error = Assert.Throws<ResultStoreException>(() => store.AppendEval(StoreFolder.Eval("a", 1)));
        output.WriteLine(error.Message);
        Assert.Contains($"127.0.0.1:{cluster.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Transient);

        // The next call opens a new session: the run is there, the failed write is not.
        Assert.Equal(RunStatus.Running, store.GetRun("a")!.Status);
        Assert.Empty(store.GetEvals("a"));
    }

    [PostgresFact]
    public void WorkersClaimingAtTheSameMoment_TakeDifferentRuns()
    {
        // Two workers claiming from the same grid at the same moment take different runs: each skips the row the other has locked.
        string url = cluster.CreateDatabase();
        RunRecord[] grid = Enumerable.Range(0, 8).Select(i => StoreFolder.Run($"p{i}")).ToArray();
        var taken = new ConcurrentBag<string>();
        using var start = new Barrier(4);
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            using PostgresResultStore store = PostgresResultStore.Open(url);
            start.SignalAndWait();
            taken.Add(store.ClaimNext(grid, $"w{w}", TimeSpan.FromMinutes(1))!.RunId);
        });

        Assert.Equal(4, taken.Distinct().Count());
    }
}
