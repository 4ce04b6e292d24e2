namespace SparseDsl.Training;

/// <summary>
/// A trainable array (dense weights, a sparse weight's stored values, or a bias) and everything kept parallel to it:
/// its gradient and the optimizer's state slots (momentum; Adam m and v; SMET's per-weight ages). This object is the
/// one owner of those arrays: a topology change (<see cref="Remap"/>) replaces all of them in one operation, and
/// nothing else keeps a reference that could go stale, so state memory always follows the number of stored values.
/// </summary>
public sealed class Parameter
{
    private float[][] slots = [];

    public Parameter(string name, float[] values, bool decays)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        Values = values;
        Grad = new float[values.Length];
        Decays = decays;
    }

    public string Name { get; }

    /// <summary>Stored values: for a sparse weight only the active ones.</summary>
    public float[] Values { get; private set; }

    /// <summary>∂loss/∂Values, written by the backward pass.</summary>
    public float[] Grad { get; private set; }

    /// <summary>Whether weight decay applies (weights yes, biases no).</summary>
    public bool Decays { get; }

    /// <summary>
    /// Density of the weight matrix this parameter belongs to (1 for dense weights and biases); the owning sparse
    /// weight updates it when its topology changes.
    /// </summary>
    public double Density { get; set; } = 1.0;

    public int Length => Values.Length;

    /// <summary>The optimizer's state arrays, each as long as <see cref="Values"/> (none before an optimizer takes this parameter).</summary>
    public IReadOnlyList<float[]> Slots => slots;

    /// <summary>Each value's own step count (SMET's per-weight ages), or null when the optimizer keeps one shared step.</summary>
    public WeightAges? Ages { get; private set; }

    /// <summary>Bytes of optimizer state held for this parameter.</summary>
    public long StateBytes => (long)Length * (slots.Length * sizeof(float) + (Ages?.BytesPerAge ?? 0));

    /// <summary>
    /// Gives this parameter fresh zero optimizer state: <paramref name="slotCount"/> slots, and per-value ages
    /// saturating at <paramref name="ageLimit"/> when one is given.
    /// </summary>
    internal void AllocateState(int slotCount, int? ageLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slotCount);
        slots = new float[slotCount][];
        for (int s = 0; s < slotCount; s++)
        {
            slots[s] = new float[Length];
        }

        Ages = ageLimit is int limit ? new WeightAges(Length, limit) : null;
    }

    /// <summary>
    /// Takes a checkpoint's state (<see cref="TrainingCheckpoint"/>): values, every slot and the ages, copied in place
    /// when the length is unchanged (a format keeps reading these arrays), else as new arrays. The gradient is zeroed.
    /// </summary>
    internal void Restore(float[] values, float[][] stateSlots, WeightAges? ages)
    {
        if (stateSlots.Length != slots.Length || stateSlots.Any(s => s.Length != values.Length) || (ages is not null && ages.Length != values.Length))
        {
            throw new InvalidDataException($"the checkpoint's state of '{Name}' does not match its {values.Length} values and {slots.Length} slots");
        }

        if (values.Length == Length)
        {
            values.CopyTo(Values, 0);
            for (int s = 0; s < slots.Length; s++)
            {
                stateSlots[s].CopyTo(slots[s], 0);
            }

            Array.Clear(Grad);
        }
        else
        {
            Values = (float[])values.Clone();
            slots = [.. stateSlots.Select(s => (float[])s.Clone())];
            Grad = new float[values.Length];
        }

        Ages = ages;
    }

    /// <summary>
    /// One topology change (only through the owning <see cref="Sparse.SparseWeight"/>, which rebuilds its format over
    /// the new values): the parameter becomes <paramref name="oldPositionOfNew"/>.Length values long, position
    /// <c>i</c> taking the value and every state slot (and age) of old position <c>oldPositionOfNew[i]</c> bit for
    /// bit, or zeros when that is -1 (a grown weight: value 0, fresh state, age 0). The gradient is zeroed.
    /// </summary>
    internal void Remap(ReadOnlySpan<int> oldPositionOfNew)
    {
        int length = oldPositionOfNew.Length;
        for (int i = 0; i < length; i++)
        {
            int from = oldPositionOfNew[i];
            if (from < -1 || from >= Length)
            {
                throw new ArgumentOutOfRangeException(nameof(oldPositionOfNew), from, $"Entry {i} is outside '{Name}' ({Length} values); use -1 for a new value.");
            }
        }

        // When the length stays (SET, RigL, SMET), each retired array takes the next gather: one allocation, not one
        // per array (large-object allocations are what let the GC interrupt an update); nothing is kept after it.
        float[]? spare = null;
        Values = GatherInto(Values, oldPositionOfNew, ref spare);
        for (int s = 0; s < slots.Length; s++)
        {
            slots[s] = GatherInto(slots[s], oldPositionOfNew, ref spare);
        }

        Ages = Ages?.Gather(oldPositionOfNew);
        if (Grad.Length == length)
        {
            Array.Clear(Grad);
        }
        else
        {
            Grad = new float[length];
        }
    }

    /// <summary><see cref="Gather{T}"/> into <paramref name="spare"/> when it has the new length; <paramref name="old"/> becomes the spare.</summary>
    private static float[] GatherInto(float[] old, ReadOnlySpan<int> oldPositionOfNew, ref float[]? spare)
    {
        float[] fresh = spare is { } reused && reused.Length == oldPositionOfNew.Length ? reused : new float[oldPositionOfNew.Length];
        for (int i = 0; i < fresh.Length; i++)
        {
            int from = oldPositionOfNew[i];
            fresh[i] = from >= 0 ? old[from] : 0f;
        }

        spare = old;
        return fresh;
    }

    /// <summary>Zeroes every state slot and the per-value age of the given positions (e.g. weights regrown in place).</summary>
    public void ResetState(ReadOnlySpan<int> positions)
    {
        foreach (int position in positions)
        {
            if ((uint)position >= (uint)Length)
            {
                throw new ArgumentOutOfRangeException(nameof(positions), position, $"Position outside '{Name}' ({Length} values).");
            }

            foreach (float[] slot in slots)
            {
                slot[position] = 0f;
            }

            Ages?.Reset(position);
        }
    }

    public override string ToString() => $"{Name} ({Length} values)";

    /// <summary>Entry i of the result is <c>old[oldPositionOfNew[i]]</c>, or default where that is -1.</summary>
    internal static T[] Gather<T>(T[] old, ReadOnlySpan<int> oldPositionOfNew)
    {
        var fresh = new T[oldPositionOfNew.Length];
        for (int i = 0; i < fresh.Length; i++)
        {
            int from = oldPositionOfNew[i];
            if (from >= 0)
            {
                fresh[i] = old[from];
            }
        }

        return fresh;
    }
}
