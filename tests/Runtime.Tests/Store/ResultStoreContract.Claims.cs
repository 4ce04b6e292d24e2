using System.Collections.Concurrent;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>Claims, leases and heartbeats of the store contract, with a clock the test moves.</summary>
public abstract partial class ResultStoreContract
{
    private static readonly DateTimeOffset C0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    [StoreFact]
    public void ClaimNext_TakesTheFirstFreeCandidateInOrder_AndRecordsTheOthersAsPending()
    {
        using IResultStore store = Open(new FixedClock(C0));
        store.StartRun(StoreFolder.Run("a"));
        store.FinishRun("a", new FinalMetrics(1, 1, 0.5, 1, 1, 1));

        RunClaim claim = store.ClaimNext([StoreFolder.Run("a"), StoreFolder.Run("c"), StoreFolder.Run("b")], "w1", Lease)!;

        Assert.Equal(new RunClaim("c", "w1", C0 + Lease, 1, null), claim);
        RunRecord c = store.GetRun("c")!;
        Assert.Equal((RunStatus.Running, "w1", C0 + Lease, 1), (c.Status, c.Worker, c.LeaseExpiresUtc, c.Attempts));
        Assert.Equal(RunStatus.Pending, store.GetRun("b")!.Status);
        Assert.Equal(RunStatus.Finished, store.GetRun("a")!.Status);
    }

    [StoreFact]
    public void ANewStoreOpenedByManyWorkersAtOnce_OpensForEveryOne()
    {
        // Workers started together all create the same new store (an SQLite file, the schema in an empty PostgreSQL
        // database): none may take another's half-made store for some other
        // program's database (the check once read the tables in two statements, with a commit able to land between). The
        // window is microseconds: in-process this did not catch the old check in 10 rounds; two `run` processes started
        // together did, once, in CI (WorkerProcessTests.TwoProcessesStartedTogether_FinishEveryPointExactlyOnce).
        for (int round = 0; round < 10; round++)
        {
            string location = NewStore();
            var errors = new ConcurrentBag<Exception>();
            Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
            {
                try
                {
                    using IResultStore store = Open(location, null);
                }
                catch (Exception error)
                {
                    errors.Add(error);
                }
            });

            Assert.Empty(errors);
        }
    }

    [StoreFact]
    public void PointTrainedByALiveWorker_IsNeitherClaimedNorResetByAnother()
    {
        var clock = new FixedClock(C0);
        using IResultStore store = Open(clock);
        store.ClaimNext([StoreFolder.Run("a")], "w1", Lease);
        store.StartRun(StoreFolder.Run("a"), "w1");
        store.AppendEval(StoreFolder.Eval("a", 10));

        clock.Now = C0.AddSeconds(59);
        RunClaim? second = store.ClaimNext([StoreFolder.Run("a")], "w2", Lease);

        Assert.Null(second);
        Assert.Throws<ClaimLostException>(() => store.StartRun(StoreFolder.Run("a"), "w2"));
        Assert.Single(store.GetEvals("a"));
        RunRecord run = store.GetRun("a")!;
        Assert.Equal((RunStatus.Running, "w1", 1), (run.Status, run.Worker, run.Attempts));
        store.FinishRun("a", new FinalMetrics(1, 1, 0.5, 1, 1, 1), "w1");
        Assert.Equal(RunStatus.Finished, store.GetRun("a")!.Status);
    }

    [StoreFact]
    public void ExpiredLease_AnotherWorkerTakesTheRunOver_AndTheOldWorkerCanNoLongerWriteIt()
    {
        var clock = new FixedClock(C0);
        using IResultStore store = Open(clock);
        store.ClaimNext([StoreFolder.Run("a")], "dead", Lease);
        store.StartRun(StoreFolder.Run("a"), "dead");
        store.AppendEval(StoreFolder.Eval("a", 10));

        clock.Now = C0 + Lease;
        RunClaim claim = store.ClaimNext([StoreFolder.Run("a")], "w2", Lease)!;
        store.StartRun(StoreFolder.Run("a"), "w2");

        Assert.Equal(new RunClaim("a", "w2", C0 + Lease + Lease, 2, "dead"), claim);
        Assert.Empty(store.GetEvals("a"));
        Assert.False(store.RenewLease("a", "dead", Lease));
        Assert.Throws<ClaimLostException>(() => store.FinishRun("a", new FinalMetrics(1, 1, 0.5, 1, 1, 1), "dead"));
        Assert.Throws<ClaimLostException>(() => store.DivergeRun("a", 3, "loss became NaN at step 3", "dead"));
        Assert.Throws<ClaimLostException>(() => store.FailRun("a", "boom", "dead"));
        Assert.Equal((RunStatus.Running, "w2"), (store.GetRun("a")!.Status, store.GetRun("a")!.Worker));
    }

    [StoreFact]
    public void Heartbeat_KeepsTheLeaseAlivePastItsFirstExpiry()
    {
        var clock = new FixedClock(C0);
        using IResultStore store = Open(clock);
        store.ClaimNext([StoreFolder.Run("a")], "w1", Lease);

        clock.Now = C0.AddSeconds(50);
        Assert.True(store.RenewLease("a", "w1", Lease));
        clock.Now = C0.AddSeconds(100);
        Assert.Null(store.ClaimNext([StoreFolder.Run("a")], "w2", Lease));
        Assert.Equal(C0.AddSeconds(110), store.GetRun("a")!.LeaseExpiresUtc);

        clock.Now = C0.AddSeconds(110);
        Assert.Equal("w1", store.ClaimNext([StoreFolder.Run("a")], "w2", Lease)!.TakenOverFrom);
    }

    [StoreFact]
    public void EndedRuns_FinishedOrDivergedAreNeverClaimed_FailedOnesAreRetried()
    {
        var clock = new FixedClock(C0);
        using IResultStore store = Open(clock);
        foreach (string id in new[] { "done", "nan", "boom" })
        {
            store.ClaimNext([StoreFolder.Run(id)], "w1", Lease);
        }

        store.FinishRun("done", new FinalMetrics(1, 1, 0.5, 1, 1, 1), "w1");
        store.DivergeRun("nan", 17, "loss became NaN at step 17", "w1");
        store.FailRun("boom", "out of memory", "w1");
        clock.Now = C0.AddDays(1);

        RunClaim retry = store.ClaimNext([StoreFolder.Run("done"), StoreFolder.Run("nan"), StoreFolder.Run("boom")], "w2", Lease)!;

        Assert.Equal(("boom", 2, (string?)null), (retry.RunId, retry.Attempt, retry.TakenOverFrom));
        Assert.Null(store.GetRun("boom")!.Error);
        Assert.Null(store.ClaimNext([StoreFolder.Run("done"), StoreFolder.Run("nan")], "w2", Lease));
        RunRecord nan = store.GetRun("nan")!;
        Assert.Equal((RunStatus.Diverged, 17L, "loss became NaN at step 17", (FinalMetrics?)null, (DateTimeOffset?)null),
            (nan.Status, nan.DivergedStep, nan.Error, nan.Final, nan.LeaseExpiresUtc));
        Assert.NotNull(nan.FinishedUtc);
    }

    [StoreFact]
    public void ReleasedClaim_IsClaimableAtOnce_WithItsEvaluationsUntilRestarted()
    {
        using IResultStore store = Open(new FixedClock(C0));
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

    [StoreFact]
    public void ManyWorkersOnOneStore_ClaimEveryRunExactlyOnce()
    {
        RunRecord[] grid = Enumerable.Range(0, 60).Select(i => StoreFolder.Run($"p{i:00}")).ToArray();
        var claims = new ConcurrentBag<RunClaim>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            // Each worker its own connection, as separate processes would have.
            using IResultStore store = Open();
            while (store.ClaimNext(grid, $"w{w}", Lease) is { } claim)
            {
                claims.Add(claim);
                store.StartRun(StoreFolder.Run(claim.RunId), claim.Worker);
                store.FinishRun(claim.RunId, new FinalMetrics(1, 1, 0.5, 1, 1, 1), claim.Worker);
            }
        });

        using IResultStore check = Open();
        Assert.Equal(grid.Select(r => r.Id), claims.Select(c => c.RunId).Order(StringComparer.Ordinal));
        Assert.All(check.ListRuns(), r => Assert.Equal((RunStatus.Finished, 1), (r.Status, r.Attempts)));
    }

    [StoreFact]
    public void ClaimNext_CandidatesWithoutParameterCounts_AreRecordedWithNone()
    {
        using IResultStore store = Open(new FixedClock(C0));
        RunRecord bare = StoreFolder.Run("a") with { ActiveParameters = null, DenseParameters = null };

        RunClaim claim = store.ClaimNext([bare, StoreFolder.Run("b")], "w1", Lease)!;

        Assert.Equal("a", claim.RunId);
        Assert.Equal(((long?)null, (long?)null), (store.GetRun("a")!.ActiveParameters, store.GetRun("a")!.DenseParameters));
        Assert.Equal((1000L, 20000L), (store.GetRun("b")!.ActiveParameters, store.GetRun("b")!.DenseParameters));
    }
}
