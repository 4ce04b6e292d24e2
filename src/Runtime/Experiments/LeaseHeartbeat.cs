namespace SparseDsl.Experiments;

/// <summary>
/// Keeps a worker's claim on one run alive while it trains: renews the lease every quarter of it from a timer, so a
/// live worker never loses a run however long a step or an evaluation takes, while a dead one loses it one lease after
/// its last beat. When a renewal finds the run taken over (this worker stalled past its lease) or the store failing,
/// <see cref="Token"/> is cancelled so training stops at the next step, and <see cref="ThrowIfLost"/> says why.
/// </summary>
internal sealed class LeaseHeartbeat : IDisposable
{
    private readonly IResultStore store;
    private readonly RunClaim claim;
    private readonly TimeSpan lease;
    private readonly CancellationTokenSource stop;
    private readonly Timer timer;
    private readonly Lock gate = new();
    private bool disposed;
    private Exception? problem;

    public LeaseHeartbeat(IResultStore store, RunClaim claim, TimeSpan lease, CancellationToken outer)
    {
        this.store = store;
        this.claim = claim;
        this.lease = lease;
        stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        TimeSpan every = lease / 4;
        timer = new Timer(_ => Beat(), null, every, every);
    }

    /// <summary>Cancelled when the caller's token is, or when the claim is lost.</summary>
    public CancellationToken Token => stop.Token;

    /// <summary>Throws <see cref="ClaimLostException"/> or the store's problem once a renewal has found one.</summary>
    public void ThrowIfLost()
    {
        Exception? found;
        lock (gate)
        {
            found = problem;
        }

        if (found is not null)
        {
            throw found;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
        }

        timer.Dispose();
        stop.Dispose();
    }

    private void Beat()
    {
        // One beat at a time; none after Dispose (the gate is held while the store renews).
        if (!gate.TryEnter())
        {
            return;
        }

        try
        {
            if (disposed || problem is not null)
            {
                return;
            }

            if (!store.RenewLease(claim.RunId, claim.Worker, lease))
            {
                problem = new ClaimLostException(claim.RunId, claim.Worker, store.Location);
            }
        }
        catch (Exception error) when (error is ResultStoreException or InvalidOperationException)
        {
            problem = error;
        }
        finally
        {
            if (problem is not null && !disposed)
            {
                stop.Cancel();
            }

            gate.Exit();
        }
    }
}
