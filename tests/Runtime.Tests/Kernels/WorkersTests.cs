using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="Workers.For"/> over the spinning helpers: every task runs exactly once, whoever runs it; nested and
/// concurrent callers are served; a failing task surfaces as Parallel.For's would.
/// </summary>
public class WorkersTests
{
    [Fact]
    public void ManyJobsInARow_EveryTaskRunsExactlyOnce()
    {
        var random = new Random(11);
        for (int job = 0; job < 2000; job++)
        {
            int count = random.Next(1, 40);
            var runs = new int[count];
            Workers.For(count, task => Interlocked.Increment(ref runs[task]));
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void JobsFromSeveralThreadsAtOnce_EveryTaskRunsExactlyOnce()
    {
        var runs = new int[8][];
        Parallel.For(0, runs.Length, caller =>
        {
            runs[caller] = new int[5000];
            for (int job = 0; job < 200; job++)
            {
                Workers.For(25, task => Interlocked.Increment(ref runs[caller][job * 25 + task]));
            }
        });

        Assert.All(runs, r => Assert.All(r, n => Assert.Equal(1, n)));
    }

    [Fact]
    public void NestedJob_RunsInsideTheOuterTask()
    {
        var inner = new int[6 * 7];
        Workers.For(6, outer => Workers.For(7, task => Interlocked.Increment(ref inner[outer * 7 + task])));
        Assert.All(inner, n => Assert.Equal(1, n));
    }

    [Fact]
    public void FailingTask_ThrowsAggregateWithTheCause_AndTheNextJobRuns()
    {
        var error = Assert.Throws<AggregateException>(() => Workers.For(16, task =>
        {
            if (task == 9)
            {
                throw new InvalidOperationException("task 9");
            }
        }));
        Assert.Contains(error.Flatten().InnerExceptions, e => e is InvalidOperationException { Message: "task 9" });

        var runs = new int[16];
        Workers.For(16, task => Interlocked.Increment(ref runs[task]));
        Assert.All(runs, n => Assert.Equal(1, n));
    }

    [Fact]
    public void JobAfterTheHelpersWentToSleep_Runs()
    {
        Workers.For(4, _ => { });
        Thread.Sleep(50); // far past the helpers' spin: they block, and the next job must wake them
        var runs = new int[64];
        Workers.For(64, task =>
        {
            Thread.SpinWait(2000); // long enough that the helper takes some tasks when it wakes
            Interlocked.Increment(ref runs[task]);
        });
        Assert.All(runs, n => Assert.Equal(1, n));
    }
}
