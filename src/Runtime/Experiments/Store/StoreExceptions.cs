namespace SparseDsl.Experiments;

/// <summary>
/// A results store cannot be used as asked: it is damaged, not a store, read-only, full, locked, or written by a newer
/// SparseDsl. The message is one line naming the store, what is wrong and what to do; the verbs print it as is with
/// exit code 2. Whatever the store held before stays as it was (the failed write is rolled back).
/// </summary>
public sealed class ResultStoreException : Exception
{
    public ResultStoreException(string message)
        : base(message)
    {
    }

    public ResultStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// The store may work again by itself: its server was unreachable, restarting or busy, or a write collided with
    /// another worker's. <see cref="RetryingResultStore"/> waits these out; every other problem needs the user.
    /// </summary>
    public bool Transient { get; init; }
}

/// <summary>
/// A worker wrote to a run it no longer holds: its lease expired (it stalled longer than the lease) and another worker
/// claimed the run, or the run ended. The worker must leave the run to its new owner.
/// </summary>
public sealed class ClaimLostException(string runId, string worker, string location)
    : InvalidOperationException($"worker {worker} no longer holds run {runId} in {location}: its lease expired and another worker took the run over")
{
    public string RunId { get; } = runId;
}
