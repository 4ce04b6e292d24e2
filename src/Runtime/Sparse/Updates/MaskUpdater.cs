using System.Numerics;

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
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(random);
        if (grow == GrowCriterion.Gradient && gradient is null)
        {
            throw new ArgumentNullException(nameof(gradient), "gradient growth needs the dense gradient rows");
        }

        float[] magnitude = Magnitudes(layout, active, values);
        bool[] dropped = layout.HasGroups
            ? DropInGroups(layout, active, magnitude, drop, grow != GrowCriterion.None)
            : DropLowest(magnitude, Math.Min(drop, grow == GrowCriterion.None ? active.Length : layout.UnitCount - active.Length));
        int[] droppedPerGroup = new int[layout.GroupCount];
        int droppedCount = 0;
        for (int i = 0; i < active.Length; i++)
        {
            if (dropped[i])
            {
                droppedPerGroup[layout.GroupOf(active[i])]++;
                droppedCount++;
            }
        }

        int[] grown = grow == GrowCriterion.None || droppedCount == 0
            ? []
            : Grow(layout, active, droppedPerGroup, grow, random, gradient);
        return Merge(layout, active, dropped, grown, droppedCount);
    }

    /// <summary>Σ|w| over each active unit's stored weights.</summary>
    private static float[] Magnitudes(UnitLayout layout, int[] active, float[] values)
    {
        int size = layout.UnitSize;
        if ((long)active.Length * size != values.Length)
        {
            throw new ArgumentException($"{active.Length} active units of {size} weights need {(long)active.Length * size} values, not {values.Length}", nameof(values));
        }

        var magnitude = new float[active.Length];
        for (int i = 0; i < magnitude.Length; i++)
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

    /// <summary>The <paramref name="count"/> smallest magnitudes, ties to the lower rank, in O(n) (radix select of the threshold).</summary>
    private static bool[] DropLowest(float[] magnitude, int count)
    {
        var dropped = new bool[magnitude.Length];
        if (count <= 0)
        {
            return dropped;
        }

        float threshold = SmallestAt(magnitude, count - 1);
        int below = 0;
        foreach (float m in magnitude)
        {
            below += m < threshold ? 1 : 0;
        }

        int equalToTake = count - below;
        for (int i = 0; i < magnitude.Length; i++)
        {
            if (magnitude[i] < threshold)
            {
                dropped[i] = true;
            }
            else if (magnitude[i] == threshold && equalToTake > 0)
            {
                dropped[i] = true;
                equalToTake--;
            }
        }

        return dropped;
    }

    /// <summary>
    /// N:M: the smallest magnitudes first, each group giving up at most as many units as it can regrow (its inactive
    /// count) when growing, else at most its active count.
    /// </summary>
    private static bool[] DropInGroups(UnitLayout layout, int[] active, float[] magnitude, int count, bool growing)
    {
        var dropped = new bool[active.Length];
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

        Array.Sort(order, (a, b) => magnitude[a] != magnitude[b] ? magnitude[a].CompareTo(magnitude[b]) : a.CompareTo(b));
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

        return dropped;
    }

    /// <summary>Survivors and grown units merged in ascending order, with each one's old rank (-1 when grown).</summary>
    private static TopologyChange Merge(UnitLayout layout, int[] active, bool[] dropped, int[] grown, int droppedCount)
    {
        SortDistinct(grown, layout.UnitCount);
        int total = active.Length - droppedCount + grown.Length;
        var units = new int[total];
        var oldRank = new int[total];
        int i = 0, g = 0;
        for (int j = 0; j < total; j++)
        {
            while (i < active.Length && dropped[i])
            {
                i++;
            }

            if (g < grown.Length && (i >= active.Length || grown[g] < active[i]))
            {
                units[j] = grown[g++];
                oldRank[j] = -1;
            }
            else
            {
                units[j] = active[i];
                oldRank[j] = i++;
            }
        }

        return new TopologyChange(units, oldRank, droppedCount, grown.Length);
    }

    /// <summary>
    /// Sorts distinct units in [0, <paramref name="total"/>) in place through a bitmap: O(total/64 + count), where a
    /// comparison sort of the ~30 % of a layer that grows cost most of an update.
    /// </summary>
    private static void SortDistinct(int[] units, int total)
    {
        var bits = new ulong[(total + 63) / 64];
        foreach (int unit in units)
        {
            bits[unit >> 6] |= 1UL << (unit & 63);
        }

        int n = 0;
        for (int w = 0; w < bits.Length; w++)
        {
            for (ulong word = bits[w]; word != 0; word &= word - 1)
            {
                units[n++] = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
            }
        }
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest (0-based) of non-negative <paramref name="values"/>: their bit patterns order
    /// as the values do, so one pass histograms the top 16 bits, and a quickselect finishes within the one bucket.
    /// </summary>
    private static float SmallestAt(float[] values, int k)
    {
        var histogram = new int[1 << 16];
        foreach (float v in values)
        {
            histogram[BitConverter.SingleToUInt32Bits(v) >> 16]++;
        }

        int bucket = 0, below = 0;
        while (below + histogram[bucket] <= k)
        {
            below += histogram[bucket++];
        }

        var inBucket = new float[histogram[bucket]];
        int n = 0;
        foreach (float v in values)
        {
            if (BitConverter.SingleToUInt32Bits(v) >> 16 == (uint)bucket)
            {
                inBucket[n++] = v;
            }
        }

        return Select<float>(inBucket, k - below);
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
