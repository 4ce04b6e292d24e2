using Microsoft.Data.Sqlite;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>The store contract on SQLite files.</summary>
public sealed class SqliteStoreContractTests : ResultStoreContract
{
    private readonly List<StoreFolder> folders = [];

    public override void Dispose()
    {
        foreach (StoreFolder folder in folders)
        {
            folder.Dispose();
        }

        base.Dispose();
    }

    protected override string NewStore()
    {
        var folder = new StoreFolder();
        folders.Add(folder);
        return folder.Db;
    }

    protected override IResultStore Open(string location, TimeProvider? clock) => SqliteResultStore.Open(location, clock);
}

/// <summary>What only the SQLite store does: WAL, checkpoints into the file, schema versions in the file.</summary>
public sealed class SqliteResultStoreTests
{

    [Fact]
    public void NewFile_IsWalWithSchemaVersion()
    {
        using var folder = new StoreFolder();
        using (SqliteResultStore.Open(folder.Db))
        {
        }

        using var connection = new SqliteConnection($"Data Source={folder.Db};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public void NewerSchema_RefusesToOpen()
    {
        using var folder = new StoreFolder();
        using (SqliteResultStore.Open(folder.Db))
        {
        }

        using (var connection = new SqliteConnection($"Data Source={folder.Db};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<ResultStoreException>(() => SqliteResultStore.Open(folder.Db));
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndedRun_IsInTheFileAlone_WhileTheStoreIsStillOpen()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        store.StartRun(StoreFolder.Run("a"));
        store.AppendEval(StoreFolder.Eval("a", 10));
        store.FinishRun("a", new FinalMetrics(1, 2, 0.5, 10, 100, 1000));
        store.StartRun(StoreFolder.Run("b"));
        store.DivergeRun("b", 7, "loss became NaN at step 7");

        // As a user copies results.db alone (or as a killed process leaves it), without results.db-wal.
        string copy = Path.Combine(folder.Folder, "copy.db");
        File.Copy(folder.Db, copy);

        using SqliteResultStore copied = SqliteResultStore.Open(copy);
        Assert.Equal(2.0, copied.GetRun("a")!.Final!.TestLoss);
        Assert.Single(copied.GetEvals("a"));
        Assert.Equal(7L, copied.GetRun("b")!.DivergedStep);
    }

    [Fact]
    public void CleanClose_CheckpointsTheWal_EvenWithAnotherProcessStillReading()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore reader = SqliteResultStore.Open(folder.Db);
        using (SqliteResultStore writer = SqliteResultStore.Open(folder.Db))
        {
            writer.StartRun(StoreFolder.Run("a"));
            writer.AppendEval(StoreFolder.Eval("a", 10));
        }

        Assert.Equal(0, new FileInfo(folder.Db + "-wal").Length);
        string copy = Path.Combine(folder.Folder, "copy.db");
        File.Copy(folder.Db, copy);
        using SqliteResultStore copied = SqliteResultStore.Open(copy);
        Assert.Equal(RunStatus.Running, copied.GetRun("a")!.Status);
        Assert.Single(copied.GetEvals("a"));
    }
}
