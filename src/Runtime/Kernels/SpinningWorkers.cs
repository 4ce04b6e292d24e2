using System.Runtime.ExceptionServices;

namespace SparseDsl.Kernels;

/// <summary>
/// The threads that share <see cref="Workers.For"/>'s tasks with the calling thread: <see cref="Workers.Count"/> − 1
/// helpers that spin for a short while after each job before they block. A training step calls the kernels a dozen
/// times or more, each a parallel region of 0.05–0.5 ms on a sparse layer; through <c>Parallel.For</c> every region
/// woke a pool thread from its semaphore, which in `perf` cost a tenth of a sparse step on this VM (the hypervisor's
/// interrupt path and <c>sched_yield</c>). A helper that is still spinning takes the next region's tasks within
/// microseconds. One job runs at a time: a caller on another thread meanwhile (a test runner's parallel tests, a user's
/// own threads) gets false and runs its tasks through <c>Parallel.For</c> as before. Which thread runs which task never
/// changes a result: tasks write disjoint outputs. Helpers do not take the caller's culture or <c>AsyncLocal</c> values
/// (the kernels read neither).
/// </summary>
internal sealed class SpinningWorkers
{
    /// <summary>How long a helper spins for the next job before it blocks (a step's regions follow each other within this).</summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000; // 200 µs

    [ThreadStatic]
    private static bool inJob;

    private readonly SemaphoreSlim wake = new(0);
    private Job? current;
    private long generation;
    private int sleeping;
    private int busy;

    private SpinningWorkers(int helpers)
    {
        for (int i = 0; i < helpers; i++)
        {
            new Thread(Help) { IsBackground = true, Name = $"SparseDsl worker {i + 1}" }.Start();
        }
    }

    /// <summary>The helpers of this process, started on first use.</summary>
    public static SpinningWorkers Instance { get; } = new(Workers.Count - 1);

    /// <summary>Whether this thread is running a job's task (a kernel called from inside one runs its tasks inline).</summary>
    public static bool InJob => inJob;

    /// <summary>
    /// Runs body(0 … count − 1) on this thread and the helpers, returning when all are done; false (nothing run) when
    /// another job is under way. The first exception of a task is thrown wrapped in an <see cref="AggregateException"/>, as
    /// <c>Parallel.For</c> wraps (the other tasks still run).
    /// </summary>
    public bool TryRun(int count, Action<int> body)
    {
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            return false;
        }

        var job = new Job(body, count);
        try
        {
            Volatile.Write(ref current, job);
            Interlocked.Increment(ref generation); // a full fence: a helper that did not see it has announced its sleep
            int asleep = Math.Min(Volatile.Read(ref sleeping), count - 1); // this thread takes a task itself
            if (asleep > 0)
            {
                wake.Release(asleep);
            }

            job.Work();
            var wait = new SpinWait();
            while (Volatile.Read(ref job.Done) < count)
            {
                wait.SpinOnce(sleep1Threshold: -1);
            }
        }
        finally
        {
            Volatile.Write(ref current, null);
            Volatile.Write(ref busy, 0);
        }

        job.Error?.Throw();
        return true;
    }

    // Optimized from the start: the loop never returns, so tiered compilation would leave it in tier-0 code that calls the
    // runtime's patchpoint helper on every spin.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Help()
    {
        long seen = 0;
        while (true)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            while (Volatile.Read(ref generation) == seen)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(30);
                    continue;
                }

                Interlocked.Increment(ref sleeping); // a full fence: either the poster sees it, or this sees the new generation
                if (Volatile.Read(ref generation) == seen)
                {
                    wake.Wait();
                }

                Interlocked.Decrement(ref sleeping);
                start = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            seen = Volatile.Read(ref generation);
            Volatile.Read(ref current)?.Work(); // a job already finished has no task left to take
        }
    }

    private sealed class Job(Action<int> body, int count)
    {
        public int Done;
        private int next = -1;
        private ExceptionDispatchInfo? error;

        public ExceptionDispatchInfo? Error => error;

        /// <summary>Takes tasks until none is left.</summary>
        public void Work()
        {
            bool outer = inJob;
            inJob = true;
            try
            {
                for (int task = Interlocked.Increment(ref next); task < count; task = Interlocked.Increment(ref next))
                {
                    try
                    {
                        body(task);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref error, ExceptionDispatchInfo.Capture(new AggregateException(e)), null);
                    }
                    finally
                    {
                        Interlocked.Increment(ref Done);
                    }
                }
            }
            finally
            {
                inJob = outer;
            }
        }
    }
}
