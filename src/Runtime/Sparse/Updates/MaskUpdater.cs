using System.Numerics;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>Where a topology update regrows units (SCIENCE.md §3): nowhere (GMP), at random (SET, SMET) or by |dense gradient| (RigL).</summary>
public enum GrowCriterion
{
    None,
    Random,
    Gradient,
}

/// <summary>Writes |∂loss/∂W| of the weight rows [firstRow, firstRow + rowCount) into <paramref name="buffer"/> [rowCount, Cols].</summary>
public delegate void DenseGradientRows(int firstRow, int rowCount, float[] buffer);

/// <summary>
/// One mask update for any pattern, acting on the pattern's unit (a weight, a tile, a row; within N:M groups the choice
/// of which N): drop the <c>k</c> active units of smallest magnitude (Σ|w| over the unit), then grow as many inactive
/// units per group as were dropped there — at random or where the dense gradient is largest. Drop and grow sets are
/// disjoint (a unit dropped now is not a grow candidate), so the active count is kept; ties go to the lower unit
/// number; with the same <see cref="Random"/> the same change results. RigL's <c>mask_updaters.py</c> is the model.
/// </summary>
public static partial class MaskUpdater
{
    /// <summary>
    /// Rows of dense gradient computed at once when scoring (never the whole matrix: 1 MB for a 1000-wide layer). Each
    /// tile is one GEMM that packs the whole input again, so fewer, taller tiles cost less: at 784→1000, batch 128,
    /// 64-row tiles took about twice the full product's time, 256-row tiles about 1.2× (measured side by side).
    /// </summary>
    internal const int GradientTileRows = 256;

    /// <summary>
    /// Plans the change of a weight whose sorted active units are <paramref name="active"/> (values stored unit by unit).
    /// <paramref name="drop"/> is capped so that growth can refill every group (and at the active count).
    /// </summary>
    public static TopologyChange Plan(
        UnitLayout layout, int[] active, float[] values, int drop, GrowCriterion grow, Random random, DenseGradientRows? gradient = null)
    {
        ArgumentNullException.ThrowIfNull(active);
        TopologyPlan plan = Plan(layout, active, active.Length, values, drop, grow, random, gradient, UpdateScratch.ForThisThread);
        return new TopologyChange(plan.ActiveUnits.ToArray(), plan.OldRankOfNew.ToArray(), plan.Dropped, plan.Grown);
    }

    /// <summary>
    /// <see cref="Plan(UnitLayout, int[], float[], int, GrowCriterion, Random, DenseGradientRows?)"/> for the first
    /// <paramref name="activeCount"/> entries of <paramref name="active"/>, into <paramref name="scratch"/>: the plan's
    /// arrays are valid until the next plan that uses the same scratch.
    /// </summary>
    internal static TopologyPlan Plan(
        UnitLayout layout, int[] active, int activeCount, float[] values, int drop, GrowCriterion grow, Random random, DenseGradientRows? gradient,
        UpdateScratch scratch)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(random);
        if (grow == GrowCriterion.Gradient && gradient is null)
        {
            throw new ArgumentNullException(nameof(gradient), "gradient growth needs the dense gradient rows");
        }

        if ((long)activeCount * layout.UnitSize != values.Length)
        {
            throw new ArgumentException($"{activeCount} active units of {layout.UnitSize} weights need {(long)activeCount * layout.UnitSize} values, not {values.Length}", nameof(values));
        }

        ReadOnlySpan<int> units = active.AsSpan(0, activeCount);
        int[] droppedPerGroup = new int[layout.GroupCount];
        int droppedCount = 0;
        ReadOnlySpan<int> grown;
        if (!layout.HasGroups && grow == GrowCriterion.Random && activeCount >= SideBySideUnits)
        {
            // Random growth needs only how many drop, not which: the drop (magnitudes, threshold, marks) and the growth
            // (the old topology's bits, the draws) run side by side, each on its own scratch arrays, and give what they
            // give one after the other.
            int need = Math.Min(drop, Math.Min(layout.UnitCount - activeCount, activeCount)), grownCount = 0;
            Workers.For(2, task =>
            {
                if (task == 0)
                {
                    droppedCount = DropLowest(Magnitudes(layout, activeCount, values, scratch), need, scratch.Dropped(activeCount), scratch);
                }
                else
                {
                    Span<ulong> taken = TopologyBits(layout, active.AsSpan(0, activeCount), scratch);
                    grownCount = need == 0 ? 0 : RandomFree(layout.UnitCount, activeCount, need, taken, random, scratch).Length;
                }
            });
            grown = scratch.Grown(grownCount);
        }
        else
        {
            Span<float> magnitude = Magnitudes(layout, activeCount, values, scratch);
            Span<bool> marks = scratch.Dropped(activeCount);
            if (layout.HasGroups)
            {
                DropInGroups(layout, units, magnitude, drop, grow != GrowCriterion.None, marks);
                for (int i = 0; i < units.Length; i++)
                {
                    if (marks[i])
                    {
                        droppedPerGroup[layout.GroupOf(units[i])]++;
                        droppedCount++;
                    }
                }
            }
            else
            {
                droppedCount = DropLowest(magnitude, Math.Min(drop, grow == GrowCriterion.None ? activeCount : layout.UnitCount - activeCount), marks, scratch);
                droppedPerGroup[0] = droppedCount; // the whole matrix is the one group
            }

            Span<ulong> taken = TopologyBits(layout, units, scratch);
            grown = grow == GrowCriterion.None || droppedCount == 0
                ? []
                : Grow(layout, activeCount, droppedPerGroup, grow, random, gradient, scratch.OldBits(layout.UnitCount), taken, scratch);
        }

        // `now`: old ∪ grown, minus the dropped.
        Span<ulong> old = scratch.OldBits(layout.UnitCount), now = scratch.Bits(layout.UnitCount);
        foreach (int unit in grown)
        {
            Set(now, unit);
        }

        ReadOnlySpan<bool> dropped = scratch.Dropped(activeCount, clear: false);
        for (int i = 0; i < units.Length; i++)
        {
            int unit = units[i];
            now[unit >> 6] &= ~((ulong)Branchless.One(dropped[i]) << (unit & 63)); // no branch: which units drop is as good as random
        }

        return Scan(old, now, activeCount - droppedCount + grown.Length, droppedCount, grown.Length, scratch);
    }

    /// <summary>Units at or above which a random update runs its drop and its growth side by side.</summary>
    private const int SideBySideUnits = 1 << 14;

    /// <summary>
    /// The topology before the update as bits, twice: <see cref="UpdateScratch.OldBits"/> to keep, and the returned copy
    /// (<see cref="UpdateScratch.Bits"/>) that growth marks as it takes units and that becomes the topology after.
    /// </summary>
    private static Span<ulong> TopologyBits(UnitLayout layout, ReadOnlySpan<int> units, UpdateScratch scratch)
    {
        Span<ulong> old = scratch.OldBits(layout.UnitCount);
        old.Clear();
        foreach (int unit in units)
        {
            Set(old, unit);
        }

        Span<ulong> now = scratch.Bits(layout.UnitCount);
        old.CopyTo(now);
        return now;
    }

    /// <summary>Σ|w| over each active unit's stored weights (NaN ranks as +∞: never dropped for it).</summary>
    private static Span<float> Magnitudes(UnitLayout layout, int count, float[] values, UpdateScratch scratch)
    {
        int size = layout.UnitSize;
        Span<float> magnitude = scratch.Magnitudes(count);
        int i = 0;
        if (size == 1 && Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref values[i]);
                Vector512.ConditionalSelect(Vector512.Equals(v, v), Vector512.Abs(v), Vector512.Create(float.PositiveInfinity))
                    .StoreUnsafe(ref magnitude[i]);
            }
        }

        for (; i < count; i++)
        {
            float sum = 0f;
            for (int e = i * size, end = e + size; e < end; e++)
            {
                sum += MathF.Abs(values[e]);
            }

            magnitude[i] = float.IsNaN(sum) ? float.PositiveInfinity : sum;
        }

        return magnitude;
    }

    /// <summary>
    /// Marks the <paramref name="count"/> smallest magnitudes, ties to the lower rank, in O(n) (radix select of the
    /// threshold), and returns how many it marked (the count, or all when fewer).
    /// </summary>
    private static int DropLowest(ReadOnlySpan<float> magnitude, int count, Span<bool> dropped, UpdateScratch scratch)
    {
        count = Math.Min(count, magnitude.Length);
        if (count <= 0)
        {
            return 0;
        }

        float threshold = SmallestAt(magnitude, count - 1, scratch);
        int below = 0;
        for (int i = 0; i < magnitude.Length; i++)
        {
            bool drop = magnitude[i] < threshold;
            dropped[i] = drop;
            below += Branchless.One(drop);
        }

        // Ties at the threshold: the lowest ranks among them, as many as the count still needs (rarely more than one).
        for (int i = 0, equalToTake = count - below; equalToTake > 0; i++)
        {
            if (magnitude[i] == threshold)
            {
                dropped[i] = true;
                equalToTake--;
            }
        }

        return count;
    }

    /// <summary>
    /// N:M: the smallest magnitudes first, each group giving up at most as many units as it can regrow (its inactive
    /// count) when growing, else at most its active count.
    /// </summary>
    private static void DropInGroups(UnitLayout layout, ReadOnlySpan<int> active, ReadOnlySpan<float> magnitude, int count, bool growing, Span<bool> dropped)
    {
        var activeInGroup = new int[layout.GroupCount];
        foreach (int unit in active)
        {
            activeInGroup[layout.GroupOf(unit)]++;
        }

        int[] order = new int[active.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        float[] magnitudes = magnitude.ToArray();
        Array.Sort(order, (a, b) => magnitudes[a] != magnitudes[b] ? magnitudes[a].CompareTo(magnitudes[b]) : a.CompareTo(b));
        var taken = new int[layout.GroupCount];
        for (int j = 0; j < order.Length && count > 0; j++)
        {
            int rank = order[j];
            int group = layout.GroupOf(active[rank]);
            int cap = growing ? layout.GroupSize - activeInGroup[group] : activeInGroup[group];
            if (taken[group] < cap)
            {
                taken[group]++;
                dropped[rank] = true;
                count--;
            }
        }
    }

    /// <summary>
    /// The units set in <paramref name="now"/> in ascending order, each with its rank among the units set in
    /// <paramref name="old"/> (the count of old units below it) or -1 when it was not one: a pass over the bit words,
    /// popcounts instead of a merge's unpredictable branches.
    /// </summary>
    private static TopologyPlan Scan(ReadOnlySpan<ulong> old, ReadOnlySpan<ulong> now, int total, int dropped, int grown, UpdateScratch scratch)
    {
        Span<int> units = scratch.NewUnits(total).AsSpan(0, total);
        Span<int> oldRank = scratch.OldRanks(total).AsSpan(0, total);
        int j = 0, oldBelow = 0;
        for (int w = 0; w < now.Length; w++)
        {
            ulong oldWord = old[w];
            for (ulong word = now[w]; word != 0; word &= word - 1)
            {
                int bit = BitOperations.TrailingZeroCount(word);
                int rank = oldBelow + BitOperations.PopCount(oldWord & ((1UL << bit) - 1));
                units[j] = (w << 6) + bit;
                oldRank[j++] = rank | ((int)((oldWord >> bit) & 1) - 1); // -1 unless the unit was active before
            }

            oldBelow += BitOperations.PopCount(oldWord);
        }

        if (j != total)
        {
            throw new InvalidOperationException($"mask update: {j} units after the update where {total} were planned");
        }

        return new TopologyPlan(scratch.NewUnits(total), scratch.OldRanks(total), total, dropped, grown);
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest (0-based) of non-negative <paramref name="values"/>: their bit patterns order
    /// as the values do, so one pass histograms the top 16 bits, and a quickselect finishes within the one bucket.
    /// </summary>
    private static float SmallestAt(ReadOnlySpan<float> values, int k, UpdateScratch scratch)
    {
        Span<int> histogram = scratch.Histogram(1 << 16);
        foreach (float v in values)
        {
            histogram[(int)(BitConverter.SingleToUInt32Bits(v) >> 16)]++;
        }

        int bucket = 0, below = 0;
        while (below + histogram[bucket] <= k)
        {
            below += histogram[bucket++];
        }

        Span<float> inBucket = scratch.Floats(histogram[bucket]);
        int n = 0;
        foreach (float v in values)
        {
            if (BitConverter.SingleToUInt32Bits(v) >> 16 == (uint)bucket)
            {
                inBucket[n++] = v;
            }
        }

        return Select(inBucket, k - below);
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest element (0-based) of <paramref name="a"/>, which it reorders so that the
    /// elements before position k are no larger and those after no smaller (Hoare quickselect, median-of-three pivot).
    /// </summary>
    internal static T Select<T>(Span<T> a, int k)
        where T : struct, IComparisonOperators<T, T, bool>
    {
        int left = 0, right = a.Length - 1;
        while (left < right)
        {
            T pivot = MedianOfThree(a[left], a[left + ((right - left) >> 1)], a[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }

    private static T MedianOfThree<T>(T a, T b, T c)
        where T : IComparisonOperators<T, T, bool> =>
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
}
