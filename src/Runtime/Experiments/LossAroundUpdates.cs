namespace SparseDsl.Experiments;

/// <summary>
/// Keeps the training loss of the steps around each topology update (<see cref="Window"/> before, the update's own
/// step, <see cref="Window"/> after) as <c>train/loss</c> metrics, so <c>report</c> can draw the spikes SMET removes
/// without storing every step. Writes happen at the update and when its window closes (and at <see cref="Flush"/>).
/// </summary>
internal sealed class LossAroundUpdates(Action<long, IReadOnlyList<Metric>> write)
{
    public const int Window = 10;
    public const string Name = "train/loss";

    private readonly Queue<(int Step, double Loss)> recent = new();
    private readonly List<(int Step, double Loss)> pending = [];
    private int recordUntil = -1;

    /// <summary>After every step, with its batch-mean loss.</summary>
    public void Step(int step, double loss)
    {
        recent.Enqueue((step, loss));
        if (recent.Count > Window + 1)
        {
            recent.Dequeue();
        }

        if (step <= recordUntil)
        {
            pending.Add((step, loss));
            if (step == recordUntil)
            {
                Flush();
            }
        }
    }

    /// <summary>After an update that followed <paramref name="step"/> (whose loss <see cref="Step"/> already has).</summary>
    public void Updated(int step)
    {
        pending.AddRange(recent);
        Flush();
        recordUntil = step + Window;
    }

    public void Flush()
    {
        foreach (var (step, loss) in pending.DistinctBy(p => p.Step))
        {
            write(step, [new Metric(Name, loss)]);
        }

        pending.Clear();
    }
}
