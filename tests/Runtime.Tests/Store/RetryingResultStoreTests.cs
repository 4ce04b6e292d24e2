using System.Reflection;
using SparseDsl.Experiments;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.Store;

public sealed class RetryingResultStoreTests : IDisposable
{
    private readonly StoreFolder folder = new();
    private readonly FixedClock clock = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly List<string> log = [];
    private readonly List<TimeSpan> sleeps = [];

    public void Dispose() => folder.Dispose();

    [Fact]
    public void TransientProblems_AreWaitedOut_WithOneLineWhenTheyStartAndOneWhenTheyEnd()
    {
        using var inner = SqliteResultStore.Open(folder.Db);
        var flaky = Flaky.Wrap(inner);
        using var store = Retrying(flaky);
        store.StartRun(StoreFolder.Run("r1"));

        Flaky.Of(flaky).FailNext = 4;
        store.AppendEval(StoreFolder.Eval("r1", 100));
        store.AppendEval(StoreFolder.Eval("r1", 200));

        Assert.Equal([100L, 200L], inner.GetEvals("r1").Select(e => e.Step));
        Assert.Equal([1, 2, 4, 8], sleeps.Select(s => (int)s.TotalSeconds));
        Assert.Equal(2, log.Count);
        Assert.StartsWith("store unavailable: the server went away (test); retrying for up to 10 min", log[0]);
        Assert.Equal($"store {inner.Location} is back after 15 s", log[1]);
    }

    [Fact]
    public void AnOutageLongerThanTheLimit_ThrowsTheProblem()
    {
        using var inner = SqliteResultStore.Open(folder.Db);
        var flaky = Flaky.Wrap(inner);
        using var store = new RetryingResultStore(flaky, log.Add, clock, Sleep) { MaxOutage = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromSeconds(8) };
        Flaky.Of(flaky).FailNext = int.MaxValue;

        var problem = Assert.Throws<ResultStoreException>(() => store.ListRuns());

        Assert.True(problem.Transient);
        Assert.True(sleeps.Sum(s => s.TotalSeconds) is > 60 and < 70, string.Join(", ", sleeps));
        Assert.All(sleeps, s => Assert.True(s <= TimeSpan.FromSeconds(8)));
        Assert.Single(log);
    }

    [Fact]
    public void AProblemThatNeedsTheUser_IsThrownAtOnce()
    {
        using var inner = SqliteResultStore.Open(folder.Db);
        var flaky = Flaky.Wrap(inner);
        using var store = Retrying(flaky);
        Flaky.Of(flaky).FailNext = 1;
        Flaky.Of(flaky).Transient = false;

        Assert.Throws<ResultStoreException>(() => store.GetRun("r1"));
        Assert.Empty(sleeps);
        Assert.Empty(log);
    }

    [Fact]
    public void AFinishWhoseCommitWasLostWithTheConnection_CountsAsDone()
    {
        using var inner = SqliteResultStore.Open(folder.Db);
        var flaky = Flaky.Wrap(inner);
        using var store = Retrying(flaky);
        var claim = store.ClaimNext([StoreFolder.Run("r1")], "w1", TimeSpan.FromMinutes(1))!;
        store.StartRun(StoreFolder.Run("r1"), claim.Worker);

        // The write commits, then the answer is lost: the retry finds the run finished and no longer w1's.
        Flaky.Of(flaky).FailAfterNext = 1;
        store.FinishRun("r1", new FinalMetrics(0.4, 0.5, 0.8, 3, 1000, 0), "w1");

        Assert.Equal(RunStatus.Finished, inner.GetRun("r1")!.Status);
        Assert.Equal(2, log.Count);
    }

    private RetryingResultStore Retrying(IResultStore inner) => new(inner, log.Add, clock, Sleep);

    private void Sleep(TimeSpan delay)
    {
        sleeps.Add(delay);
        clock.Now += delay;
    }

    /// <summary>A store whose next calls fail as a server outage would (before the call, or after it has run).</summary>
    public class Flaky : DispatchProxy
    {
        private IResultStore inner = null!;

        public int FailNext { get; set; }

        public int FailAfterNext { get; set; }

        public bool Transient { get; set; } = true;

        public static IResultStore Wrap(IResultStore inner)
        {
            var proxy = Create<IResultStore, Flaky>();
            ((Flaky)(object)proxy).inner = inner;
            return proxy;
        }

        public static Flaky Of(IResultStore proxy) => (Flaky)(object)proxy;

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name is not ("get_Location" or "Dispose") && FailNext > 0)
            {
                FailNext--;
                throw new ResultStoreException("the server went away (test)") { Transient = Transient };
            }

            try
            {
                return method.Invoke(inner, args);
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException!;
            }
            finally
            {
                if (method.Name is not ("get_Location" or "Dispose" or "GetRun") && FailAfterNext > 0)
                {
                    FailAfterNext--;
                    throw new ResultStoreException("the answer was lost (test)") { Transient = true };
                }
            }
        }
    }
}

/// <summary>A real outage: the PostgreSQL server stopped under a worker and started again.</summary>
[Collection(PostgresCluster.Collection)]
public sealed class PostgresOutageTests(PostgresCluster cluster, ITestOutputHelper output)
{
    [PostgresFact]
    public void ServerRestart_IsWaitedOut_AndTheWriteLands()
    {
        string url = cluster.CreateDatabase();
        var lines = new List<string>();
        using var store = new RetryingResultStore(PostgresResultStore.Open(url), line => { lock (lines) { lines.Add(line); } });
        store.StartRun(StoreFolder.Run("r1"));

        cluster.Stop();
        var restart = Task.Run(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
            cluster.Start();
        });
        store.AppendEval(StoreFolder.Eval("r1", 100)); // waits for the server
        restart.Wait();

        foreach (string line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal([100L], store.GetEvals("r1").Select(e => e.Step));
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("store unavailable: ", lines[0]);
        Assert.Matches(@"is back after \d+ s$", lines[1]);
    }
}
