namespace SparseDsl.Kernels;

/// <summary>How the CPU kernels split work across cores: <c>count</c> independent tasks, inline when there is one.</summary>
internal static class Workers
{
    private static readonly ParallelOptions Options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>Cores the kernels split work across.</summary>
    internal static int Count { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Runs <paramref name="body"/> for every task index in [0, count), in parallel when count &gt; 1: on this thread and
    /// the <see cref="SpinningWorkers"/>, or through <c>Parallel.For</c> when they are taken; inline from inside a task.
    /// </summary>
    internal static void For(int count, Action<int> body)
    {
        if (count <= 0)
        {
            return;
        }

        if (count == 1 || Count == 1 || SpinningWorkers.InJob)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        if (!SpinningWorkers.Instance.TryRun(count, body))
        {
            Parallel.For(0, count, Options, body);
        }
    }

    /// <summary>Splits [0, length) into at most <paramref name="chunks"/> contiguous ranges and runs them in parallel.</summary>
    internal static void ForRange(int length, int chunks, Action<int, int> body)
    {
        chunks = Math.Clamp(chunks, 1, Math.Max(1, length));
        For(chunks, c =>
        {
            int start = (int)((long)length * c / chunks);
            int end = (int)((long)length * (c + 1) / chunks);
            if (end > start)
            {
                body(start, end);
            }
        });
    }
}
