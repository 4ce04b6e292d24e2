using System.Numerics;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

public static partial class MaskUpdater
{
    /// <summary>
    /// Units to grow: per group as many as it lost, among the units inactive before this update (<paramref name="old"/>);
    /// random growth marks each unit it takes in <paramref name="taken"/> (old ∪ grown so far) so as not to take it twice.
    /// </summary>
    private static ReadOnlySpan<int> Grow(
        UnitLayout layout, int activeCount, int[] needPerGroup, GrowCriterion grow, Random random, DenseGradientRows? gradient,
        ReadOnlySpan<ulong> old, Span<ulong> taken, UpdateScratch scratch)
    {
        if (layout.HasGroups)
        {
            return GrowInGroups(layout, needPerGroup, old, grow, random, gradient, scratch);
        }

        int need = needPerGroup[0];
        return grow == GrowCriterion.Random
            ? RandomFree(layout.UnitCount, activeCount, need, taken, random, scratch)
            : TopByGradient(layout, need, old, gradient!, scratch);
    }

    private static bool IsSet(ReadOnlySpan<ulong> bits, int unit) => (bits[unit >> 6] & (1UL << (unit & 63))) != 0;

    private static void Set(Span<ulong> bits, int unit) => bits[unit >> 6] |= 1UL << (unit & 63);

    /// <summary>
    /// <paramref name="need"/> distinct free units uniformly at random: by rejection when free units are plentiful
    /// (no pass over the dense grid), else by a partial shuffle of the free list.
    /// </summary>
    private static Span<int> RandomFree(int total, int activeCount, int need, Span<ulong> occupied, Random random, UpdateScratch scratch)
    {
        int free = total - activeCount;
        Span<int> chosen = scratch.Grown(Math.Min(need, free));
        if (free >= 4L * need)
        {
            for (int n = 0; n < chosen.Length;)
            {
                int unit = random.Next(total);
                if (!IsSet(occupied, unit))
                {
                    Set(occupied, unit);
                    chosen[n++] = unit;
                }
            }

            return chosen;
        }

        var candidates = new int[free];
        for (int unit = 0, n = 0; unit < total; unit++)
        {
            if (!IsSet(occupied, unit))
            {
                candidates[n++] = unit;
            }
        }

        for (int n = 0; n < chosen.Length; n++)
        {
            int pick = n + random.Next(free - n);
            (candidates[n], candidates[pick]) = (candidates[pick], candidates[n]);
            chosen[n] = candidates[n];
        }

        return chosen;
    }

    /// <summary>
    /// The <paramref name="need"/> free units with the largest Σ|dense gradient| (ties to the lower unit), from the
    /// gradient computed a tile of rows at a time and kept only in a bounded heap of the best so far.
    /// </summary>
    private static Span<int> TopByGradient(UnitLayout layout, int need, ReadOnlySpan<ulong> occupied, DenseGradientRows gradient, UpdateScratch scratch)
    {
        var best = new BestUnits(need, scratch);
        ForEachUnitScore(layout, occupied, gradient, best, scratch);
        return best.Units(scratch.Grown(need));
    }

    /// <summary>N:M: within each group that lost units, as many of its free units, at random or by gradient.</summary>
    private static int[] GrowInGroups(
        UnitLayout layout, int[] needPerGroup, ReadOnlySpan<ulong> occupied, GrowCriterion grow, Random random, DenseGradientRows? gradient, UpdateScratch scratch)
    {
        float[]? scores = null;
        if (grow == GrowCriterion.Gradient)
        {
            scores = new float[layout.UnitCount];
            Array.Fill(scores, float.NegativeInfinity);
            ForEachUnitScore(layout, occupied, gradient!, new AllScores(scores), scratch);
        }

        var grown = new List<int>();
        var candidates = new List<int>(layout.GroupSize);
        for (int group = 0; group < needPerGroup.Length; group++)
        {
            if (needPerGroup[group] == 0)
            {
                continue;
            }

            candidates.Clear();
            for (int unit = group * layout.GroupSize, end = unit + layout.GroupSize; unit < end; unit++)
            {
                if (!IsSet(occupied, unit))
                {
                    candidates.Add(unit);
                }
            }

            int take = Math.Min(needPerGroup[group], candidates.Count);
            if (scores is not null)
            {
                candidates.Sort((a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
            }
            else
            {
                for (int n = 0; n < take; n++)
                {
                    int pick = n + random.Next(candidates.Count - n);
                    (candidates[n], candidates[pick]) = (candidates[pick], candidates[n]);
                }
            }

            grown.AddRange(candidates.GetRange(0, take));
        }

        return [.. grown];
    }

    /// <summary>
    /// Offers every free unit with its Σ|g| over the unit to <paramref name="sink"/>, the dense gradient computed a tile of
    /// whole unit rows at a time; a NaN score is skipped (never grown). Single-weight units take a fast path that skips
    /// occupied positions 64 at a time and offers only scores the sink can still use.
    /// </summary>
    private static void ForEachUnitScore<TSink>(UnitLayout layout, ReadOnlySpan<ulong> occupied, DenseGradientRows gradient, TSink sink, UpdateScratch scratch)
        where TSink : IScoreSink
    {
        int height = layout.UnitHeight, width = layout.UnitWidth, cols = layout.Cols;
        int tileRows = Math.Min(layout.Rows, height * Math.Max(1, GradientTileRows / height));
        float[] buffer = scratch.Tile(tileRows * cols);
        for (int first = 0; first < layout.Rows; first += tileRows)
        {
            int rows = Math.Min(tileRows, layout.Rows - first);
            gradient(first, rows, buffer);
            if (layout.UnitSize == 1)
            {
                ScoreWeights(occupied, buffer, first * cols, rows * cols, sink);
                continue;
            }

            for (int unitRow = first / height, lastUnitRow = (first + rows) / height; unitRow < lastUnitRow; unitRow++)
            {
                for (int unitCol = 0; unitCol < layout.UnitCols; unitCol++)
                {
                    int unit = unitRow * layout.UnitCols + unitCol;
                    if (IsSet(occupied, unit))
                    {
                        continue;
                    }

                    float sum = 0f;
                    for (int r = unitRow * height - first, rEnd = r + height; r < rEnd; r++)
                    {
                        for (int c = unitCol * width, cEnd = c + width; c < cEnd; c++)
                        {
                            sum += MathF.Abs(buffer[r * cols + c]);
                        }
                    }

                    if (!float.IsNaN(sum))
                    {
                        sink.Offer(unit, sum);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Units [firstUnit, firstUnit + count) are the buffer's positions in order (a unit is one weight). The scan is the
    /// hot loop of RigL's growth (every free weight of the layer): 16 scores at a time are compared with the sink's
    /// threshold, masked by the free bits of the occupancy word, and only the survivors are offered (a NaN never
    /// compares ≥, so it is never offered).
    /// </summary>
    private static void ScoreWeights<TSink>(ReadOnlySpan<ulong> occupied, float[] buffer, int firstUnit, int count, TSink sink)
        where TSink : IScoreSink
    {
        for (int i = 0; i < count;)
        {
            int unit = firstUnit + i;
            int span = Math.Min(64 - (unit & 63), count - i);
            ulong free = ~occupied[unit >> 6] >> (unit & 63);
            if (span < 64)
            {
                free &= (1UL << span) - 1;
            }

            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; free != 0 && j + 16 <= span; j += 16, free >>= 16)
                {
                    ulong lanes = free & 0xFFFF;
                    if (lanes == 0)
                    {
                        continue;
                    }

                    Vector512<float> scores = Vector512.LoadUnsafe(ref buffer[i + j]);
                    lanes &= Vector512.GreaterThanOrEqual(scores, Vector512.Create(sink.Threshold)).ExtractMostSignificantBits();
                    for (; lanes != 0; lanes &= lanes - 1)
                    {
                        int lane = BitOperations.TrailingZeroCount(lanes);
                        float score = buffer[i + j + lane];
                        if (score >= sink.Threshold)
                        {
                            sink.Offer(unit + j + lane, score);
                        }
                    }
                }
            }

            for (; free != 0 && j < span; j++, free >>= 1)
            {
                float score = buffer[i + j];
                if ((free & 1) != 0 && score >= sink.Threshold)
                {
                    sink.Offer(unit + j, score);
                }
            }

            i += span;
        }
    }

    /// <summary>Where scored free units go; <see cref="Threshold"/> lets the scan skip scores that cannot matter.</summary>
    private interface IScoreSink
    {
        float Threshold { get; }

        void Offer(int unit, float score);
    }

    /// <summary>Every free unit's score into a dense array (N:M groups pick within a handful).</summary>
    private readonly struct AllScores(float[] scores) : IScoreSink
    {
        public float Threshold => float.NegativeInfinity;

        public void Offer(int unit, float score) => scores[unit] = score;
    }

    /// <summary>
    /// The <c>capacity</c> best (score, unit) pairs — higher score first, the lower unit among equal scores — kept in a
    /// buffer of twice the capacity: when it fills, a quickselect keeps the best half and raises <see cref="Threshold"/>
    /// to the worst kept score, so the scan offers fewer and fewer units (amortized linear, no per-offer heap work). A
    /// struct over its state, so that the generic scan is specialized for it (calls inlined, not dispatched).
    /// </summary>
    private readonly struct BestUnits(int capacity, UpdateScratch scratch) : IScoreSink
    {
        private readonly BestUnitsState state = new(capacity, scratch.KeyArray(Math.Max(2 * capacity, 16)), scratch);

        public float Threshold => state.Threshold;

        public void Offer(int unit, float score) => state.Offer(unit, score);

        /// <summary>The kept units, in no particular order, into the front of <paramref name="units"/>.</summary>
        public Span<int> Units(Span<int> units) => state.Units(units);
    }

    /// <summary>
    /// The buffer and threshold of <see cref="BestUnits"/>. Each entry is one 64-bit key, the complement of the score's
    /// bits above the unit: scores are magnitudes (≥ 0), whose bits order as they do, so a smaller key is a higher score
    /// or, on a tie, a lower unit, and the compaction is a radix select over plain integers (a quickselect over
    /// (score, unit) pairs with a tie-break cost most of RigL's growth; a quickselect over the keys, whose comparisons
    /// branch at random, still most of what was left).
    /// </summary>
    private sealed class BestUnitsState(int capacity, ulong[] keys, UpdateScratch scratch)
    {
        private readonly int limit = Math.Max(2 * capacity, 16); // keys may be longer (a reused array)
        private int count;

        public float Threshold { get; private set; } = float.NegativeInfinity;

        public void Offer(int unit, float score)
        {
            if (capacity == 0)
            {
                return;
            }

            // A magnitude is never negative; -0 and anything below would break the key order, so they rank as 0.
            uint bits = score > 0f ? BitConverter.SingleToUInt32Bits(score) : 0u;
            keys[count++] = ((ulong)~bits << 32) | (uint)unit;
            if (count == limit)
            {
                Compact();
            }
        }

        public Span<int> Units(Span<int> units)
        {
            Compact();
            for (int n = 0; n < count; n++)
            {
                units[n] = (int)(uint)keys[n];
            }

            return units[..count];
        }

        /// <summary>Below this many keys a compaction is a plain quickselect (a 16-bit histogram clears and walks 256 KiB).</summary>
        private const int HistogramCompactionKeys = 4096;

        private static float ScoreOf(ulong key) => BitConverter.UInt32BitsToSingle(~(uint)(key >> 32));

        /// <summary>Keeps the <c>capacity</c> smallest keys (the best units) in front and drops the rest.</summary>
        private void Compact()
        {
            if (count <= capacity)
            {
                return;
            }

            Span<ulong> live = keys.AsSpan(0, count);
            if (count < HistogramCompactionKeys)
            {
                // Few keys (a small layer, or late in a decaying schedule): the histogram's fixed cost would dominate.
                Threshold = ScoreOf(Select(live, capacity - 1));
                count = capacity;
                return;
            }

            // The top 16 bits of the keys in a histogram: every key in a bucket below the one that holds the capacity-th
            // smallest is kept, and a quickselect finds the rest among that one bucket's keys (a few per cent of them).
            Span<int> histogram = scratch.Histogram(1 << 16);
            foreach (ulong key in live)
            {
                histogram[(int)(key >> 48)]++;
            }

            int bucket = 0, below = 0;
            while (below + histogram[bucket] < capacity)
            {
                below += histogram[bucket++];
            }

            // One pass, no branches: keys below the bucket move to the front (never ahead of the reading position), the
            // bucket's keys to the side.
            Span<ulong> boundary = scratch.Boundary(histogram[bucket] + 1); // + 1: every key is written, the counts say which stay
            int kept = 0, sided = 0;
            foreach (ulong key in live)
            {
                int top = (int)(key >> 48);
                keys[kept] = key;
                kept += Branchless.One(top < bucket);
                boundary[sided] = key;
                sided += Branchless.One(top == bucket);
            }

            ulong worst = Select(boundary[..sided], capacity - below - 1); // boundary[0 .. capacity - below) now the bucket's best
            boundary[..(capacity - below)].CopyTo(keys.AsSpan(below));
            count = capacity;
            Threshold = ScoreOf(worst);
        }
    }
}
