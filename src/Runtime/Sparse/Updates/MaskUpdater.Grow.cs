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
            : TopByGradient(layout, activeCount, need, old, gradient!, scratch);
    }

    /// <summary>
    /// <paramref name="need"/> distinct free units uniformly at random, each marked in <paramref name="occupied"/>: by
    /// rejection when free units are plentiful (no pass over the dense grid), else by a partial shuffle of the free list.
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
                if (!BitWords.IsSet(occupied, unit))
                {
                    BitWords.Set(occupied, unit);
                    chosen[n++] = unit;
                }
            }

            return chosen;
        }

        var candidates = new int[free];
        for (int unit = 0, n = 0; unit < total; unit++)
        {
            if (!BitWords.IsSet(occupied, unit))
            {
                candidates[n++] = unit;
            }
        }

        for (int n = 0; n < chosen.Length; n++)
        {
            int pick = n + random.Next(free - n);
            (candidates[n], candidates[pick]) = (candidates[pick], candidates[n]);
            chosen[n] = candidates[n];
            BitWords.Set(occupied, chosen[n]);
        }

        return chosen;
    }

    /// <summary>
    /// The <paramref name="need"/> free units with the largest Σ|dense gradient| (ties to the lower unit), from the
    /// gradient computed a tile of rows at a time and kept only in a bounded heap of the best so far. For a large layer of
    /// single weights the scan starts from a floor: streaming the best with none offers every score that beats the best
    /// seen so far, several times the units needed, each offer a write and every few thousand a compaction (most of
    /// RigL's growth). The floor is the score that <see cref="FloorSamples"/> free scores of the first tile place at twice
    /// the needed share (the top 2·need/free of them), so about twice the needed units are offered when the tiles score
    /// alike. Exact all the same: when at least <paramref name="need"/> scores reach the floor, the best of them are the
    /// best of all; when fewer do (the first tile scored above the rest), the scan runs again without a floor.
    /// </summary>
    private static Span<int> TopByGradient(
        UnitLayout layout, int activeCount, int need, ReadOnlySpan<ulong> occupied, DenseGradientRows gradient, UpdateScratch scratch)
    {
        double floorShare = layout.UnitSize == 1 && need > 0 && layout.UnitCount >= SideBySideUnits
            ? 2.0 * need / (layout.UnitCount - activeCount)
            : 0;
        var best = new BestUnits(need, scratch);
        if (ForEachUnitScore(layout, occupied, gradient, best, scratch, floorShare) && best.Count < need)
        {
            best = new BestUnits(need, scratch);
            ForEachUnitScore(layout, occupied, gradient, best, scratch);
        }

        return best.Units(scratch.Grown(need));
    }

    /// <summary>Free scores of the first gradient tile sampled to set RigL's floor.</summary>
    private const int FloorSamples = 4096;

    /// <summary>
    /// The score that a strided sample of the tile's free scores places at <paramref name="share"/> from the top, or
    /// -∞ when the sample is too small to say.
    /// </summary>
    private static float SampledFloor(ReadOnlySpan<ulong> occupied, float[] tile, int count, double share, UpdateScratch scratch)
    {
        Span<float> sample = scratch.Floats(FloorSamples);
        int stride = Math.Max(1, count / FloorSamples), n = 0;
        for (int p = 0; p < count && n < FloorSamples; p += stride)
        {
            float score = MathF.Abs(tile[p]);
            if (!BitWords.IsSet(occupied, p) && !float.IsNaN(score))
            {
                sample[n++] = score;
            }
        }

        int fromTop = (int)(n * share);
        return n < FloorSamples / 4 || fromTop >= n ? float.NegativeInfinity : Select(sample[..n], n - 1 - fromTop);
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
                if (!BitWords.IsSet(occupied, unit))
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
    /// occupied positions 64 at a time and offers only scores the sink can still use. With a <paramref name="floorShare"/>
    /// (single weights only), the sink's threshold is first raised to the score at that share from the top of the first
    /// tile's sampled free scores; returns whether it rose.
    /// </summary>
    private static bool ForEachUnitScore<TSink>(
        UnitLayout layout, ReadOnlySpan<ulong> occupied, DenseGradientRows gradient, TSink sink, UpdateScratch scratch, double floorShare = 0)
        where TSink : IScoreSink
    {
        bool floored = false;
        int height = layout.UnitHeight, width = layout.UnitWidth, cols = layout.Cols;
        int tileRows = Math.Min(layout.Rows, height * Math.Max(1, GradientTileRows / height));
        float[] buffer = scratch.Tile(tileRows * cols);
        for (int first = 0; first < layout.Rows; first += tileRows)
        {
            int rows = Math.Min(tileRows, layout.Rows - first);
            gradient(first, rows, buffer);
            if (first == 0 && floorShare > 0)
            {
                floored = sink.Raise(SampledFloor(occupied, buffer, rows * cols, floorShare, scratch));
            }

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
                    if (BitWords.IsSet(occupied, unit))
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

        return floored;
    }

    /// <summary>
    /// Units [firstUnit, firstUnit + count) are the buffer's positions in order (a unit is one weight). The scan is the
    /// hot loop of RigL's growth (every free weight of the layer): a word's 64 scores are compared with the sink's
    /// threshold, masked by the word's free bits, and only the survivors are offered (a NaN never compares ≥, so it is
    /// never offered).
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

            if (free == 0)
            {
                i += span; // a word of active weights: nothing to score
                continue;
            }

            int j = 0;
            if (Vector512.IsHardwareAccelerated && span == 64)
            {
                // The whole word at once: one test per 64 scores, then a loop over the few that pass (a branch per 16
                // scores was a coin toss at RigL's floor, where about one score in fifteen passes).
                var threshold = Vector512.Create(sink.Threshold);
                ref float scores = ref buffer[i];
                ulong pass = Vector512.GreaterThanOrEqual(Vector512.Abs(Vector512.LoadUnsafe(ref scores)), threshold).ExtractMostSignificantBits()
                    | (Vector512.GreaterThanOrEqual(Vector512.Abs(Vector512.LoadUnsafe(ref scores, 16)), threshold).ExtractMostSignificantBits() << 16)
                    | (Vector512.GreaterThanOrEqual(Vector512.Abs(Vector512.LoadUnsafe(ref scores, 32)), threshold).ExtractMostSignificantBits() << 32)
                    | (Vector512.GreaterThanOrEqual(Vector512.Abs(Vector512.LoadUnsafe(ref scores, 48)), threshold).ExtractMostSignificantBits() << 48);
                for (pass &= free; pass != 0; pass &= pass - 1)
                {
                    int lane = BitOperations.TrailingZeroCount(pass);
                    float score = MathF.Abs(buffer[i + lane]);
                    if (score >= sink.Threshold) // the threshold rises as the sink compacts
                    {
                        sink.Offer(unit + lane, score);
                    }
                }

                i += span;
                continue;
            }

            for (; free != 0 && j < span; j++, free >>= 1)
            {
                float score = MathF.Abs(buffer[i + j]);
                if ((free & 1) != 0 && score >= sink.Threshold)
                {
                    sink.Offer(unit + j, score);
                }
            }

            i += span;
        }
    }
}
