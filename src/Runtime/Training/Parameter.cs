using System.Numerics;
using System.Runtime.InteropServices;
using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// A trainable array (dense weights, a sparse weight's stored values, or a bias) and everything kept parallel to it:
/// its gradient and the optimizer's state slots (momentum; Adam m and v; SMET's per-weight ages). This object is the
/// one owner of those arrays: a topology change (<see cref="Remap(ReadOnlySpan{int}, int)"/>) moves all of them in one operation
/// (in place when the count stays, into new arrays when it changes), so state memory always follows the number of
/// stored values; read <see cref="Values"/>, <see cref="Grad"/> and <see cref="Slots"/> afresh after a change.
/// </summary>
public sealed class Parameter
{
    private float[][] slots = [];

    /// <summary>Stored values from which a topology change moves the arrays on several cores (below, one core is quicker).</summary>
    private const int ParallelMoveLength = 1 << 15;

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
    /// the new values): the parameter becomes <paramref name="oldUnitOfNew"/>.Length units of <paramref name="unitSize"/>
    /// values, unit <c>i</c> taking the values and every state slot (and age) of old unit <c>oldUnitOfNew[i]</c> bit for
    /// bit, or zeros when that is -1 (a grown unit: value 0, fresh state, age 0). The gradient is zeroed. When the
    /// length stays and the surviving units keep their order (SET, RigL and SMET always), every array is rearranged in
    /// place: no allocation, and the arrays a format reads stay the same objects.
    /// </summary>
    internal void Remap(ReadOnlySpan<int> oldUnitOfNew, int unitSize = 1) => Remap(oldUnitOfNew.ToArray(), oldUnitOfNew.Length, unitSize);

    /// <summary>
    /// <see cref="Remap(ReadOnlySpan{int}, int)"/> with the map in the first <paramref name="count"/> entries of
    /// <paramref name="map"/>. The arrays of a large weight move side by side on the cores, two to a task (for single
    /// values each task reads the map once for both arrays). <paramref name="ordered"/>: the caller guarantees every
    /// entry is -1 or an old unit, the old units ascending (a <see cref="Sparse.MaskUpdater"/> plan), and the check is
    /// skipped.
    /// </summary>
    internal void Remap(int[] map, int count, int unitSize, bool ordered = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(unitSize);
        ReadOnlySpan<int> oldUnitOfNew = map.AsSpan(0, count);
        if (Length % unitSize != 0)
        {
            throw new ArgumentException($"'{Name}' ({Length} values) is not made of units of {unitSize}", nameof(unitSize));
        }

        int oldUnits = Length / unitSize, previous = -1, outOfOrder = 0;
        for (int i = 0; !ordered && i < oldUnitOfNew.Length; i++)
        {
            int from = oldUnitOfNew[i];
            if (from < -1 || from >= oldUnits)
            {
                throw new ArgumentOutOfRangeException(nameof(oldUnitOfNew), from, $"Entry {i} is outside '{Name}' ({oldUnits} units); use -1 for a new unit.");
            }

            // Without branches: grown (-1) and kept entries alternate at random. Out of order: kept and not above previous.
            outOfOrder |= ~Branchless.NegativeMask(from) & ~Branchless.NegativeMask(previous - from);
            previous = Branchless.Max(previous, from);
        }

        if (outOfOrder == 0 && (long)oldUnitOfNew.Length * unitSize == Length)
        {
            // The values and the slots two to a task, the last task the ages and the gradient.
            float[][] moved = [Values, .. slots];
            WeightAges? ages = Ages;
            void Move(int task)
            {
                ReadOnlySpan<int> sources = map.AsSpan(0, count);
                if (2 * task < moved.Length)
                {
                    Span<int> first = MemoryMarshal.Cast<float, int>(moved[2 * task].AsSpan());
                    Span<int> second = 2 * task + 1 < moved.Length ? MemoryMarshal.Cast<float, int>(moved[2 * task + 1].AsSpan()) : [];
                    MoveInPlace(first, second, sources, unitSize);
                    return;
                }

                ages?.MoveInPlace(sources, unitSize);
                Array.Clear(Grad);
            }

            int tasks = ((moved.Length + 1) / 2) + 1;
            if (Length >= ParallelMoveLength)
            {
                Workers.For(tasks, Move);
            }
            else
            {
                for (int task = 0; task < tasks; task++)
                {
                    Move(task);
                }
            }

            return;
        }

        Values = Gather(Values, oldUnitOfNew, unitSize);
        for (int s = 0; s < slots.Length; s++)
        {
            slots[s] = Gather(slots[s], oldUnitOfNew, unitSize);
        }

        Ages = Ages?.Gather(oldUnitOfNew, unitSize);
        Grad = new float[Values.Length];
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

    /// <summary>Unit i of the result (<paramref name="size"/> entries) is old unit <c>oldUnitOfNew[i]</c>, or default where that is -1.</summary>
    internal static T[] Gather<T>(T[] old, ReadOnlySpan<int> oldUnitOfNew, int size)
    {
        var fresh = new T[(long)oldUnitOfNew.Length * size];
        for (int i = 0; i < oldUnitOfNew.Length; i++)
        {
            int from = oldUnitOfNew[i];
            if (from >= 0)
            {
                old.AsSpan(from * size, size).CopyTo(fresh.AsSpan(i * size, size));
            }
        }

        return fresh;
    }

    /// <summary>
    /// <see cref="MoveInPlace{T}(Span{T}, ReadOnlySpan{int}, int)"/> for two distinct arrays of the same length at once
    /// (for single values one read of the map for both; units of several values move one array after the other);
    /// <paramref name="b"/> may be empty.
    /// </summary>
    internal static void MoveInPlace(Span<int> a, Span<int> b, ReadOnlySpan<int> oldUnitOfNew, int size)
    {
        if (size != 1 || b.Length != a.Length)
        {
            MoveInPlace(a, oldUnitOfNew, size);
            if (!b.IsEmpty)
            {
                MoveInPlace(b, oldUnitOfNew, size);
            }

            return;
        }

        for (int j = 0; j < oldUnitOfNew.Length; j++)
        {
            int from = Branchless.Max(oldUnitOfNew[j], j);
            a[j] = a[from];
            b[j] = b[from];
        }

        for (int j = oldUnitOfNew.Length - 1; j >= 0; j--)
        {
            int from = oldUnitOfNew[j];
            int kept = ~Branchless.NegativeMask(from);
            int source = j + ((from - j) & kept & Branchless.NegativeMask(from - j));
            a[j] = a[source] & kept;
            b[j] = b[source] & kept;
        }
    }

    /// <summary>
    /// <see cref="Gather{T}"/> within <paramref name="a"/> itself, for a map that keeps the length and the survivors'
    /// order: units moving left are moved in ascending order, then units moving right in descending order (grown units
    /// zeroed on the way), so every unit is read before anything overwrites it. Two passes, nothing allocated, and for
    /// single values no branch (which entries move is as good as random, and mispredicted branches cost more than the
    /// copies): each entry takes the value at a chosen index, itself when it stays, masked to zero when grown. Floats
    /// move as their bits.
    /// </summary>
    internal static void MoveInPlace<T>(Span<T> a, ReadOnlySpan<int> oldUnitOfNew, int size)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (size == 1)
        {
            for (int j = 0; j < oldUnitOfNew.Length; j++)
            {
                a[j] = a[Branchless.Max(oldUnitOfNew[j], j)];
            }

            for (int j = oldUnitOfNew.Length - 1; j >= 0; j--)
            {
                int from = oldUnitOfNew[j];
                int kept = ~Branchless.NegativeMask(from);                    // zero for a grown entry (-1)
                int movesRight = kept & Branchless.NegativeMask(from - j);   // 0 <= from < j
                a[j] = a[j + ((from - j) & movesRight)] & T.CreateTruncating(kept);
            }

            return;
        }

        for (int j = 0; j < oldUnitOfNew.Length; j++)
        {
            int from = oldUnitOfNew[j];
            if (from > j)
            {
                a.Slice(from * size, size).CopyTo(a.Slice(j * size, size));
            }
        }

        for (int j = oldUnitOfNew.Length - 1; j >= 0; j--)
        {
            int from = oldUnitOfNew[j];
            if (from < 0)
            {
                a.Slice(j * size, size).Clear();
            }
            else if (from < j)
            {
                a.Slice(from * size, size).CopyTo(a.Slice(j * size, size));
            }
        }
    }
}
