using System.Collections.Concurrent;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>Claims, leases and heartbeats of the store contract on the SQLite store, with a clock the test moves.</summary>
public sealed class ClaimTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    [Fact]
    public void ClaimNext_TakesTheFirstFreeCandidateInOrder_AndRecordsTheOthersAsPending()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, new FixedClock(T0));
        store.StartRun(StoreFolder.Run("a"));
        store.FinishRun("a", new FinalMetrics(1, 1, 0.5, 1, 1, 1));

        RunClaim claim = store.ClaimNext([StoreFolder.Run("a"), StoreFolder.Run("c"), StoreFolder.Run("b")], "w1", Lease)!;

        Assert.Equal(new RunClaim("c", "w1", T0 + Lease, 1, null), claim);
        RunRecord c = store.GetRun("c")!;
        Assert.Equal((RunStatus.Running, "w1", T0 + Lease, 1), (c.Status, c.Worker, c.LeaseExpiresUtc, c.Attempts));
        Assert.Equal(RunStatus.Pending, store.GetRun("b")!.Status);
        Assert.Equal(RunStatus.Finished, store.GetRun("a")!.Status);
    }

    [Fact]
    public void ANewStoreOpenedByManyWorkersAtOnce_OpensForEveryOne()
    {
        // Workers started together all create the same new file: none may take another's half-made store for some other
        // program's database (the check once read the tables in two statements, with a commit able to land between). The
        // window is microseconds: in-process this did not catch the old check in 10 rounds; two `run` processes started
        // together did, once, in CI (WorkerProcessTests.TwoProcessesStartedTogether_FinishEveryPointExactlyOnce).
        for (int round = 0; round < 10; round++)
        {
            using var folder = new StoreFolder();
            var errors = new ConcurrentBag<Exception>();
            Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
            {
                try
                {
                    using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
                }
                catch (Exception error)
                {
                    errors.Add(error);
                }
            });

            Assert.Empty(errors);
        }
    }

    [Fact]
    public void PointTrainedByALiveWorker_IsNeitherClaimedNorResetByAnother()
    {
        using var folder = new StoreFolder();
        var clock = new FixedClock(T0);
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, clock);
        store.ClaimNext([StoreFolder.Run("a")], "w1", Lease);
        store.StartRun(StoreFolder.Run("a"), "w1");
        store.AppendEval(StoreFolder.Eval("a", 10));

        clock.Now = T0.AddSeconds(59);
        RunClaim? second = store.ClaimNext([StoreFolder.Run("a")], "w2", Lease);

        Assert.Null(second);
        Assert.Throws<ClaimLostException>(() => store.StartRun(StoreFolder.Run("a"), "w2"));
        Assert.Single(store.GetEvals("a"));
        RunRecord run = store.GetRun("a")!;
        Assert.Equal((RunStatus.Running, "w1", 1), (run.Status, run.Worker, run.Attempts));
        store.FinishRun("a", new FinalMetrics(1, 1, 0.5, 1, 1, 1), "w1");
        Assert.Equal(RunStatus.Finished, store.GetRun("a")!.Status);
    }

    [Fact]
    public void ExpiredLease_AnotherWorkerTakesTheRunOver_AndTheOldWorkerCanNoLongerWriteIt()
    {
        using var folder = new StoreFolder();
        var clock = new FixedClock(T0);
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, clock);
        store.ClaimNext([StoreFolder.Run("a")], "dead", Lease);
        store.StartRun(StoreFolder.Run("a"), "dead");
        store.AppendEval(StoreFolder.Eval("a", 10));

        clock.Now = T0 + Lease;
        RunClaim claim = store.ClaimNext([StoreFolder.Run("a")], "w2", Lease)!;
        store.StartRun(StoreFolder.Run("a"), "w2");

        Assert.Equal(new RunClaim("a", "w2", T0 + Lease + Lease, 2, "dead"), claim);
        Assert.Empty(store.GetEvals("a"));
        Assert.False(store.RenewLease("a", "dead", Lease));
        Assert.Throws<ClaimLostException>(() => store.FinishRun("a", new FinalMetrics(1, 1, 0.5, 1, 1, 1), "dead"));
        Assert.Throws<ClaimLostException>(() => store.DivergeRun("a", 3, "loss became NaN at step 3", "dead"));
        Assert.Throws<ClaimLostException>(() => store.FailRun("a", "boom", "dead"));
        Assert.Equal((RunStatus.Running, "w2"), (store.GetRun("a")!.Status, store.GetRun("a")!.Worker));
    }

    [Fact]
    public void Heartbeat_KeepsTheLeaseAlivePastItsFirstExpiry()
    {
        using var folder = new StoreFolder();
        var clock = new FixedClock(T0);
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, clock);
        store.ClaimNext([StoreFolder.Run("a")], "w1", Lease);

        clock.Now = T0.AddSeconds(50);
        Assert.True(store.RenewLease("a", "w1", Lease));
        clock.Now = T0.AddSeconds(100);
        Assert.Null(store.ClaimNext([StoreFolder.Run("a")], "w2", Lease));
        Assert.Equal(T0.AddSeconds(110), store.GetRun("a")!.LeaseExpiresUtc);

        clock.Now = T0.AddSeconds(110);
        Assert.Equal("w1", store.ClaimNext([StoreFolder.Run("a")], "w2", Lease)!.TakenOverFrom);
    }

    [Fact]
    public void EndedRuns_FinishedOrDivergedAreNeverClaimed_FailedOnesAreRetried()
    {
        using var folder = new StoreFolder();
        var clock = new FixedClock(T0);
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, clock);
        foreach (string id in new[] { "done", "nan", "boom" })
        {
            store.ClaimNext([StoreFolder.Run(id)], "w1", Lease);
        }

        store.FinishRun("done", new FinalMetrics(1, 1, 0.5, 1, 1, 1), "w1");
        store.DivergeRun("nan", 17, "loss became NaN at step 17", "w1");
        store.FailRun("boom", "out of memory", "w1");
        clock.Now = T0.AddDays(1);

        RunClaim retry = store.ClaimNext([StoreFolder.Run("done"), StoreFolder.Run("nan"), StoreFolder.Run("boom")], "w2", Lease)!;

        Assert.Equal(("boom", 2, (string?)null), (retry.RunId, retry.Attempt, retry.TakenOverFrom));
        Assert.Null(store.GetRun("boom")!.Error);
        Assert.Null(store.ClaimNext([StoreFolder.Run("done"), StoreFolder.Run("nan")], "w2", Lease));
        RunRecord nan = store.GetRun("nan")!;
        Assert.Equal((RunStatus.Diverged, 17L, "loss became NaN at step 17", (FinalMetrics?)null, (DateTimeOffset?)null),
            (nan.Status, nan.DivergedStep, nan.Error, nan.Final, nan.LeaseExpiresUtc));
        Assert.NotNull(nan.FinishedUtc);
    }

    [Fact]
    public void ReleasedClaim_IsClaimableAtOnce_WithItsEvaluationsUntilRestarted()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, new FixedClock(T0));
        store.ClaimNext([StoreFolder.Run("a")], "w1", Lease);
        store.StartRun(StoreFolder.Run("a"), "w1");
        store.AppendEval(StoreFolder.Eval("a", 10));

        store.ReleaseClaim("a", "w2"); // not its claim: nothing happens
        Assert.Null(store.ClaimNext([StoreFolder.Run("a")], "w3", Lease));
        store.ReleaseClaim("a", "w1");

        Assert.Equal((RunStatus.Running, (DateTimeOffset?)null), (store.GetRun("a")!.Status, store.GetRun("a")!.LeaseExpiresUtc));
        Assert.Single(store.GetEvals("a"));
        Assert.Equal("w1", store.ClaimNext([StoreFolder.Run("a")], "w3", Lease)!.TakenOverFrom);
    }

    [Fact]
    public void ManyWorkersOnOneFile_ClaimEveryRunExactlyOnce()
    {
        using var folder = new StoreFolder();
        RunRecord[] grid = Enumerable.Range(0, 60).Select(i => StoreFolder.Run($"p{i:00}")).ToArray();
        var claims = new ConcurrentBag<RunClaim>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            // Each worker its own connection, as separate processes would have.
            using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
            while (store.ClaimNext(grid, $"w{w}", Lease) is { } claim)
            {
                claims.Add(claim);
                store.StartRun(StoreFolder.Run(claim.RunId), claim.Worker);
                store.FinishRun(claim.RunId, new FinalMetrics(1, 1, 0.5, 1, 1, 1), claim.Worker);
            }
        });

        using SqliteResultStore check = SqliteResultStore.Open(folder.Db);
        Assert.Equal(grid.Select(r => r.Id), claims.Select(c => c.RunId).Order(StringComparer.Ordinal));
        Assert.All(check.ListRuns(), r => Assert.Equal((RunStatus.Finished, 1), (r.Status, r.Attempts)));
    }
}
