using SparseDsl.Experiments;
using SparseDsl.Runtime.Tests.Experiments;
using SparseDsl.Testing;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>
/// Store problems are one line naming the file, what is wrong and what to do, exit code 2 and no stack trace, from
/// <c>run</c>, <c>list</c>, <c>report</c> and <c>fit</c>; and nothing already stored changes (every file in the store's
/// folder keeps its bytes).
/// </summary>
public sealed class StoreFaultTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[][] Verbs = [["run"], ["list"], ["report"], ["fit", "--law", "chinchilla"]];

    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public void NotADatabase_EveryVerbSaysSoInOneLine()
    {
        File.WriteAllText(_study.Db, "sparsity,loss\n0.9,2.5\n" + new string('x', 300));

        EveryVerbFails(_study.Db, "is not a results store: not an SQLite database");
    }

    [Fact]
    public void TruncatedStore_EveryVerbSaysItIsDamaged()
    {
        WriteStore(runs: 200);
        byte[] whole = File.ReadAllBytes(_study.Db);
        File.WriteAllBytes(_study.Db, whole[..(whole.Length / 2)]);

        EveryVerbFails(_study.Db, "is damaged");
    }

    [Fact]
    public void StoreIsAFolder_EveryVerbSaysSo()
    {
        Directory.CreateDirectory(_study.Db);

        EveryVerbFails(_study.Db, "is a folder, not a file");
    }

    [ReadOnlyFact]
    public void ReadOnlyStoreFile_EveryVerbSaysSo()
    {
        WriteStore(runs: 3);
        using (Faults.ReadOnly(_study.Db))
        {
            EveryVerbFails(_study.Db, "read-only");
        }

        AssertStillHoldsFinishedRuns(3);
    }

    [ReadOnlyFact]
    public void StoreInAReadOnlyFolder_EveryVerbSaysSo()
    {
        WriteStore(runs: 3);
        using (Faults.ReadOnly(_study.Folder))
        {
            EveryVerbFails(_study.Db, "folder must exist and be writable");
        }

        AssertStillHoldsFinishedRuns(3);
    }

    [FullDiskFact]
    public void FullDisk_RunSaysSoInOneLine_AndTheStoredRunsSurvive()
    {
        using TinyDisk disk = Faults.MountTinyDisk(kib: 256);
        string db = Path.Combine(disk.Folder, "results.db");
        using (IResultStore store = ResultStores.Open(db))
        {
            FitStudy.Finish(store, "kept", 1000, 250, 10_000, 2.0);
        }

        disk.Fill();
        var before = Faults.Snapshot(disk.Folder);
        (int code, string stdout, string stderr) = FitStudy.Run("run", "--store", db);
        output.WriteLine(stderr);

        AssertOneLineError(code, stdout, stderr, db, "is full");
        // The store keeps its bytes; SQLite may leave its housekeeping files (an empty -wal, a -shm) on the full disk.
        var after = Faults.Snapshot(disk.Folder);
        Assert.All(before, file => Assert.Equal(file.Value, after[file.Key]));
        Assert.All(after.Keys.Except(before.Keys), name => Assert.True(
            name == "results.db-shm" || (name == "results.db-wal" && new FileInfo(Path.Combine(disk.Folder, name)).Length == 0), name));
        disk.Free();
        using IResultStore reopened = ResultStores.Open(db);
        Assert.Equal(2.0, reopened.GetRun("kept")!.Final!.TestLoss);
    }

    [Fact]
    public void DamagedStore_TheStoreApiThrowsTheSameOneLine()
    {
        File.WriteAllText(_study.Db, new string('x', 5000));

        var error = Assert.Throws<ResultStoreException>(() => ResultStores.Open(_study.Db));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith($"'{_study.Db}' is not a results store", error.Message, StringComparison.Ordinal);
        Assert.Contains("pass --store PATH", error.Message, StringComparison.Ordinal);
    }

    private void EveryVerbFails(string db, string what)
    {
        var before = Faults.Snapshot(_study.Folder);
        foreach (string[] verb in Verbs)
        {
            (int code, string stdout, string stderr) = FitStudy.Run([.. verb, "--store", db]);
            output.WriteLine($"{verb[0]}: {stderr}");
            AssertOneLineError(code, stdout, stderr, db, what);
            Assert.Equal(before, Faults.Snapshot(_study.Folder));
        }
    }

    private static void AssertOneLineError(int code, string stdout, string stderr, string db, string what)
    {
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(db, line, StringComparison.Ordinal);
        Assert.Contains(what, line, StringComparison.Ordinal);
        Assert.Contains("--store", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
    }

    private void WriteStore(int runs)
    {
        using IResultStore store = ResultStores.Open(_study.Db);
        for (int i = 0; i < runs; i++)
        {
            FitStudy.Finish(store, $"run{i:000}", 1000 + i, 250, 10_000, 2.0 + i * 0.01);
        }
    }

    private void AssertStillHoldsFinishedRuns(int count)
    {
        using IResultStore store = ResultStores.Open(_study.Db);
        Assert.Equal(count, store.ListRuns(FitStudy.Name).Count(r => r.Status == RunStatus.Finished));
    }
}
