namespace SparseDsl.Sparse;

public static partial class MaskUpdater
{
    /// <summary>Units to grow: per group as many as it lost, among the units inactive before this update.</summary>
    private static int[] Grow(UnitLayout layout, int[] active, int[] needPerGroup, GrowCriterion grow, Random random, DenseGradientRows? gradient)
    {
        var occupied = new ulong[(layout.UnitCount + 63) / 64]; // active before the update, dropped units included
        foreach (int unit in active)
        {
            occupied[unit >> 6] |= 1UL << (unit & 63);
        }

        if (layout.HasGroups)
        {
            return GrowInGroups(layout, needPerGroup, occupied, grow, random, gradient);
        }

        int need = needPerGroup[0];
        return grow == GrowCriterion.Random
            ? RandomFree(layout.UnitCount, active.Length, need, occupied, random)
            : TopByGradient(layout, need, occupied, gradient!);
    }

    private static bool IsSet(ulong[] bits, int unit) => (bits[unit >> 6] & (1UL << (unit & 63))) != 0;

    /// <summary>
    /// <paramref name="need"/> distinct free units uniformly at random: by rejection when free units are plentiful
    /// (no pass over the dense grid), else by a partial shuffle of the free list.
    /// </summary>
    private static int[] RandomFree(int total, int activeCount, int need, ulong[] occupied, Random random)
    {
        int free = total - activeCount;
        var chosen = new int[Math.Min(need, free)];
        if (free >= 4L * need)
        {
            for (int n = 0; n < chosen.Length;)
            {
                int unit = random.Next(total);
                if (!IsSet(occupied, unit))
                {
                    occupied[unit >> 6] |= 1UL << (unit & 63);
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
    private static int[] TopByGradient(UnitLayout layout, int need, ulong[] occupied, DenseGradientRows gradient)
    {
        var best = new BestUnits(need);
        ForEachUnitScore(layout, occupied, gradient, best);
        return best.Units();
    }

    /// <summary>N:M: within each group that lost units, as many of its free units, at random or by gradient.</summary>
    private static int[] GrowInGroups(UnitLayout layout, int[] needPerGroup, ulong[] occupied, GrowCriterion grow, Random random, DenseGradientRows? gradient)
    {
        float[]? scores = null;
        if (grow == GrowCriterion.Gradient)
        {
            scores = new float[layout.UnitCount];
            Array.Fill(scores, float.NegativeInfinity);
            ForEachUnitScore(layout, occupied, gradient!, new AllScores(scores));
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
    private static void ForEachUnitScore<TSink>(UnitLayout layout, ulong[] occupied, DenseGradientRows gradient, TSink sink)
        where TSink : IScoreSink
    {
        int height = layout.UnitHeight, width = layout.UnitWidth, cols = layout.Cols;
        int tileRows = Math.Min(layout.Rows, height * Math.Max(1, GradientTileRows / height));
        var buffer = new float[(long)tileRows * cols];
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

    /// <summary>Units [firstUnit, firstUnit + count) are the buffer's positions in order (a unit is one weight).</summary>
    private static void ScoreWeights<TSink>(ulong[] occupied, float[] buffer, int firstUnit, int count, TSink sink)
        where TSink : IScoreSink
    {
        for (int i = 0; i < count;)
        {
            int unit = firstUnit + i;
            ulong word = occupied[unit >> 6] >> (unit & 63);
            int span = Math.Min(64 - (unit & 63), count - i);
            ulong mask = span == 64 ? ulong.MaxValue : (1UL << span) - 1;
            if ((word & mask) == mask)
            {
                i += span; // all occupied
                continue;
            }

            for (int j = 0; j < span; j++, word >>= 1)
            {
                float score = buffer[i + j];
                if ((word & 1) == 0 && score >= sink.Threshold && !float.IsNaN(score))
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
    /// to the worst kept score, so the scan offers fewer and fewer units (amortized linear, no per-offer heap work).
    /// </summary>
    private sealed class BestUnits(int capacity) : IScoreSink
    {
        private readonly float[] scores = new float[Math.Max(2 * capacity, 16)];
        private readonly int[] units = new int[Math.Max(2 * capacity, 16)];
        private int count;

        public float Threshold { get; private set; } = float.NegativeInfinity;

        public void Offer(int unit, float score)
        {
            if (capacity == 0)
            {
                return;
            }

            scores[count] = score;
            units[count++] = unit;
            if (count == scores.Length)
            {
                Compact();
            }
        }

        public int[] Units()
        {
            Compact();
            return units[..count];
        }

        /// <summary>Keeps the best <c>capacity</c> entries in front and drops the rest.</summary>
        private void Compact()
        {
            if (count <= capacity)
            {
                return;
            }

            int left = 0, right = count - 1, k = capacity - 1;
            while (left < right)
            {
                int middle = left + ((right - left) >> 1);
                float pivotScore = scores[middle];
                int pivotUnit = units[middle];
                int i = left, j = right;
                while (i <= j)
                {
                    while (Better(scores[i], units[i], pivotScore, pivotUnit))
                    {
                        i++;
                    }

                    while (Better(pivotScore, pivotUnit, scores[j], units[j]))
                    {
                        j--;
                    }

                    if (i <= j)
                    {
                        (scores[i], scores[j]) = (scores[j], scores[i]);
                        (units[i], units[j]) = (units[j], units[i]);
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
                    break;
                }
            }

            count = capacity;
            float worst = float.PositiveInfinity;
            for (int n = 0; n < count; n++)
            {
                worst = Math.Min(worst, scores[n]);
            }

            Threshold = worst;
        }

        /// <summary>Whether (a, ua) ranks above (b, ub): a higher score, or the same score at a lower unit.</summary>
        private static bool Better(float a, int ua, float b, int ub) => a > b || (a == b && ua < ub);
    }
}
