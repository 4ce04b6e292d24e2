using System.Numerics;

namespace SparseDsl.Training;

/// <summary>
/// SMET's per-weight ages, one per value of a <see cref="Parameter"/>: how many optimizer steps each value has taken
/// since it was grown or reset. AdamW reads an age only through its per-age coefficient table, whose last entry
/// serves every age from <see cref="Limit"/> on (the table is constant in float past it), so an age stops counting
/// there: the update is the same bit for bit as with an unbounded count. Ages are stored in 2 bytes when the limit
/// fits (20,785 with β1 = 0.9, β2 = 0.999 and a warm-up below that), else in 4.
/// </summary>
public sealed class WeightAges
{
    private WeightAges(ushort[]? narrow, int[]? wide, int limit)
    {
        Narrow = narrow;
        Wide = wide;
        Limit = limit;
    }

    /// <summary>Zero ages for <paramref name="length"/> values, saturating at <paramref name="limit"/>.</summary>
    internal WeightAges(int length, int limit)
        : this(limit <= ushort.MaxValue ? new ushort[length] : null, limit <= ushort.MaxValue ? null : new int[length], limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
    }

    /// <summary>Ages taken from a checkpoint, each already at most <paramref name="limit"/>.</summary>
    internal static WeightAges From(int[] ages, int limit)
    {
        var restored = new WeightAges(ages.Length, limit);
        if (ages.Any(a => a < 0 || a > limit))
        {
            throw new InvalidDataException($"a checkpoint age is outside [0, {limit}]");
        }

        restored.CopyFrom(ages);
        return restored;
    }

    /// <summary>The age past which a value's age stays put (AdamW's table cap).</summary>
    public int Limit { get; }

    public int Length => Narrow?.Length ?? Wide!.Length;

    /// <summary>2 or 4.</summary>
    public int BytesPerAge => Narrow is null ? sizeof(int) : sizeof(ushort);

    public int this[int position] => Narrow is null ? Wide![position] : Narrow[position];

    /// <summary>The ages when they fit in 2 bytes, else null.</summary>
    internal ushort[]? Narrow { get; }

    /// <summary>The ages when <see cref="Limit"/> is above 65,535, else null.</summary>
    internal int[]? Wide { get; }

    public int[] ToArray()
    {
        var ages = new int[Length];
        CopyTo(ages);
        return ages;
    }

    /// <summary>Each age into <paramref name="ages"/> (the device keeps them as ints).</summary>
    internal void CopyTo(Span<int> ages)
    {
        if (Narrow is null)
        {
            Wide.AsSpan().CopyTo(ages);
            return;
        }

        for (int i = 0; i < Narrow.Length; i++)
        {
            ages[i] = Narrow[i];
        }
    }

    /// <summary>Takes <paramref name="ages"/> (e.g. the device's, which count on past the limit), each saturated at <see cref="Limit"/>.</summary>
    internal void CopyFrom(ReadOnlySpan<int> ages)
    {
        for (int i = 0; i < Length; i++)
        {
            int age = Math.Min(ages[i], Limit);
            if (Narrow is null)
            {
                Wide![i] = age;
            }
            else
            {
                Narrow[i] = (ushort)age;
            }
        }
    }

    internal void Reset(int position)
    {
        if (Narrow is null)
        {
            Wide![position] = 0;
        }
        else
        {
            Narrow[position] = 0;
        }
    }

    /// <summary>Unit i (<paramref name="unitSize"/> ages) takes old unit <c>oldUnitOfNew[i]</c>'s ages, or 0 where that is -1.</summary>
    internal WeightAges Gather(ReadOnlySpan<int> oldUnitOfNew, int unitSize) =>
        Narrow is null
            ? new WeightAges(null, Parameter.Gather(Wide!, oldUnitOfNew, unitSize), Limit)
            : new WeightAges(Parameter.Gather(Narrow, oldUnitOfNew, unitSize), null, Limit);

    /// <summary><see cref="Gather"/> in place (<see cref="Parameter.MoveInPlace{T}"/>: same length, survivors in order).</summary>
    internal void MoveInPlace(ReadOnlySpan<int> oldUnitOfNew, int unitSize)
    {
        if (Narrow is null)
        {
            Parameter.MoveInPlace<int>(Wide!, oldUnitOfNew, unitSize);
        }
        else
        {
            Parameter.MoveInPlace<ushort>(Narrow, oldUnitOfNew, unitSize);
        }
    }

    /// <summary>
    /// One step over [start, end): every age counts up by one (saturating at <see cref="Limit"/>) and the
    /// age before saturation, capped at <paramref name="lastEntry"/>, is written to <paramref name="entries"/>[i − start].
    /// </summary>
    internal void Advance(int start, int end, int lastEntry, Span<int> entries)
    {
        if (Narrow is null)
        {
            Advance(Wide!, start, end, Limit, lastEntry, entries);
        }
        else
        {
            Advance(Narrow, start, end, Limit, lastEntry, entries);
        }
    }

    private static void Advance<TAge>(TAge[] ages, int start, int end, int limit, int lastEntry, Span<int> entries)
        where TAge : unmanaged, IBinaryInteger<TAge>
    {
        for (int i = start; i < end; i++)
        {
            int age = int.CreateTruncating(ages[i]) + 1;
            ages[i] = TAge.CreateTruncating(Math.Min(age, limit));
            entries[i - start] = Math.Min(age, lastEntry);
        }
    }
}
