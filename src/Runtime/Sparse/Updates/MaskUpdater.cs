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

/// <summary>
/// Writes ∂loss/∂W of the weight rows [firstRow, firstRow + rowCount) into <paramref name="buffer"/> [rowCount, Cols]
/// (signed or already its magnitude: growth ranks by |value|).
/// An update may ask for the same rows more than once (RigL's growth scans again when its first-tile floor let too few
/// units through), so the rows must come from sources that stay as they were until the update ends.
/// </summary>
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
    /// arrays are valid until the next plan that uses the same scratch. With <paramref name="unitsOf"/>, the plan first
    /// writes that format's active units into <paramref name="active"/> itself, on the growth's core when the drop and
    /// the growth run side by side (the drop needs only the values).
    /// </summary>
    internal static TopologyPlan Plan(
        UnitLayout layout, int[] active, int activeCount, float[] values, int drop, GrowCriterion grow, Random random, DenseGradientRows? gradient,
        UpdateScratch scratch, WeightFormat? unitsOf = null)
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
        Span<ulong> dropped = scratch.DroppedRanks(activeCount); // by rank among the old units
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
                    droppedCount = DropLowest(Magnitudes(layout, activeCount, values, scratch), need, scratch.DroppedRankWords, scratch);
                }
                else
                {
                    unitsOf?.WriteActiveUnits(active.AsSpan(0, activeCount));
                    Span<ulong> taken = TopologyBits(layout, active.AsSpan(0, activeCount), scratch);
                    grownCount = need == 0 ? 0 : RandomFree(layout.UnitCount, activeCount, need, taken, random, scratch).Length;
                }
            });
            grown = scratch.Grown(grownCount);
        }
        else
        {
            unitsOf?.WriteActiveUnits(active.AsSpan(0, activeCount));
            Span<float> magnitude = Magnitudes(layout, activeCount, values, scratch);
            if (layout.HasGroups)
            {
                Span<bool> marks = scratch.DropMarks(activeCount);
                dropped.Clear();
                DropInGroups(layout, units, magnitude, drop, grow != GrowCriterion.None, marks);
                for (int i = 0; i < units.Length; i++)
                {
                    if (marks[i])
                    {
                        droppedPerGroup[layout.GroupOf(units[i])]++;
                        BitWords.Set(dropped, i);
                        droppedCount++;
                    }
                }
            }
            else
            {
                droppedCount = DropLowest(magnitude, Math.Min(drop, grow == GrowCriterion.None ? activeCount : layout.UnitCount - activeCount), dropped, scratch);
                droppedPerGroup[0] = droppedCount; // the whole matrix is the one group
            }

            Span<ulong> taken = TopologyBits(layout, units, scratch);
            grown = grow == GrowCriterion.None || droppedCount == 0
                ? []
                : Grow(layout, activeCount, droppedPerGroup, grow, random, gradient, scratch.OldBits(layout.UnitCount), taken, scratch);
            if (layout.HasGroups || grow != GrowCriterion.Random)
            {
                foreach (int unit in grown)
                {
                    BitWords.Set(taken, unit); // random growth over the whole matrix marked them as it drew
                }
            }
        }

        // After the update: old ∪ grown (the taken bits), minus the dropped, read off word by word.
        return Scan(scratch.OldBits(layout.UnitCount), scratch.Bits(layout.UnitCount), dropped, activeCount - droppedCount + grown.Length, droppedCount, grown.Length, scratch);
    }

    /// <summary>Units at or above which a random update runs its drop and its growth side by side, and scans on the cores.</summary>
    private const int SideBySideUnits = 1 << 14;

    /// <summary>
    /// The topology before the update as bits, twice: <see cref="UpdateScratch.OldBits"/> to keep, and the returned copy
    /// (<see cref="UpdateScratch.Bits"/>) that growth marks as it takes units.
    /// </summary>
    private static Span<ulong> TopologyBits(UnitLayout layout, ReadOnlySpan<int> units, UpdateScratch scratch)
    {
        Span<ulong> old = scratch.OldBits(layout.UnitCount);
        old.Clear();
        foreach (int unit in units)
        {
            BitWords.Set(old, unit);
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
    /// The units set in <paramref name="taken"/> but not dropped (<paramref name="dropped"/>: bits by rank among the old
    /// units), in ascending order, each with its rank among the units set in <paramref name="old"/> (the count of old
    /// units below it) or -1 when it was not one: a pass over the bit words, popcounts instead of a merge's unpredictable
    /// branches. A large layer's words are read in two halves on the cores, the second starting from the first's counts.
    /// </summary>
    private static TopologyPlan Scan(
        ReadOnlySpan<ulong> old, ReadOnlySpan<ulong> taken, ReadOnlySpan<ulong> dropped, int total, int droppedCount, int grownCount, UpdateScratch scratch)
    {
        int[] units = scratch.NewUnits(total), oldRank = scratch.OldRanks(total);
        int words = old.Length, found;
        if (total >= SideBySideUnits)
        {
            int half = words / 2, secondFirst = 0, secondOldBelow = 0;
            for (int w = 0; w < half; w++)
            {
                secondFirst += BitOperations.PopCount(After(old[w], taken[w], dropped, secondOldBelow));
                secondOldBelow += BitOperations.PopCount(old[w]);
            }

            int firstFound = 0, secondFound = 0;
            ulong[] oldArray = scratch.OldBitWords, takenArray = scratch.TakenBitWords, droppedArray = scratch.DroppedRankWords;
            Workers.For(2, task =>
            {
                if (task == 0)
                {
                    firstFound = ScanWords(oldArray.AsSpan(0, half), takenArray, droppedArray, 0, 0, units, oldRank, 0);
                }
                else
                {
                    secondFound = ScanWords(oldArray.AsSpan(0, words), takenArray, droppedArray, half, secondOldBelow, units, oldRank, secondFirst);
                }
            });
            found = firstFound + secondFound;
        }
        else
        {
            found = ScanWords(old, taken, dropped, 0, 0, units, oldRank, 0);
        }

        if (found != total)
        {
            throw new InvalidOperationException($"mask update: {found} units after the update where {total} were planned");
        }

        return new TopologyPlan(units, oldRank, total, droppedCount, grownCount);
    }

    /// <summary>
    /// Words [<paramref name="firstWord"/>, old.Length) of <see cref="Scan"/>, writing entries from <paramref name="first"/>;
    /// <paramref name="oldBelow"/> old units lie below the first word. Returns how many entries it wrote.
    /// </summary>
    private static int ScanWords(
        ReadOnlySpan<ulong> old, ReadOnlySpan<ulong> taken, ReadOnlySpan<ulong> dropped, int firstWord, int oldBelow, int[] units, int[] oldRank, int first)
    {
        int j = first;
        for (int w = firstWord; w < old.Length; w++)
        {
            ulong oldWord = old[w];
            for (ulong word = After(oldWord, taken[w], dropped, oldBelow); word != 0; word &= word - 1)
            {
                int bit = BitOperations.TrailingZeroCount(word);
                int rank = oldBelow + BitOperations.PopCount(oldWord & ((1UL << bit) - 1));
                units[j] = (w << 6) + bit;
                oldRank[j++] = rank | ((int)((oldWord >> bit) & 1) - 1); // -1 unless the unit was active before
            }

            oldBelow += BitOperations.PopCount(oldWord);
        }

        return j - first;
    }

    /// <summary>
    /// One word of the topology after the update: its taken units (old ∪ grown) less its old units' drop marks, which
    /// are the marks of ranks [<paramref name="oldBelow"/>, + popcount) placed onto the old word's bits.
    /// </summary>
    private static ulong After(ulong oldWord, ulong takenWord, ReadOnlySpan<ulong> droppedRanks, int oldBelow) =>
        takenWord & ~BitWords.Deposit(BitWords.Window(droppedRanks, oldBelow), oldWord);
}
