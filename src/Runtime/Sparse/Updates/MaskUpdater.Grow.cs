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
    /// gradient computed a tile of rows at a time and kept only in a min-heap of the best so far.
    /// </summary>
    private static int[] TopByGradient(UnitLayout layout, int need, ulong[] occupied, DenseGradientRows gradient)
    {
        // The root is the worst kept candidate: lowest score, and among equal scores the highest unit.
        var best = new PriorityQueue<int, (float Score, int Unit)>(Comparer<(float Score, int Unit)>.Create(
            (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Unit.CompareTo(a.Unit)));
        ForEachUnitScore(layout, occupied, gradient, (unit, score) =>
        {
            if (best.Count < need)
            {
                best.Enqueue(unit, (score, unit));
            }
            else if (need > 0 && best.TryPeek(out _, out var worst) && (score > worst.Score || (score == worst.Score && unit < worst.Unit)))
            {
                best.EnqueueDequeue(unit, (score, unit));
            }
        });
        var grown = new int[best.Count];
        for (int n = 0; n < grown.Length; n++)
        {
            grown[n] = best.Dequeue();
        }

        return grown;
    }

    /// <summary>N:M: within each group that lost units, as many of its free units, at random or by gradient.</summary>
    private static int[] GrowInGroups(UnitLayout layout, int[] needPerGroup, ulong[] occupied, GrowCriterion grow, Random random, DenseGradientRows? gradient)
    {
        float[]? scores = null;
        if (grow == GrowCriterion.Gradient)
        {
            scores = new float[layout.UnitCount];
            Array.Fill(scores, float.NegativeInfinity);
            ForEachUnitScore(layout, occupied, gradient!, (unit, score) => scores[unit] = score);
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
    /// Calls <paramref name="score"/>(unit, Σ|g| over the unit) for every free unit, the dense gradient computed a tile
    /// of whole unit rows at a time; a NaN score is skipped (never grown).
    /// </summary>
    private static void ForEachUnitScore(UnitLayout layout, ulong[] occupied, DenseGradientRows gradient, Action<int, float> score)
    {
        int height = layout.UnitHeight, width = layout.UnitWidth, cols = layout.Cols;
        int tileRows = Math.Min(layout.Rows, height * Math.Max(1, GradientTileRows / height));
        var buffer = new float[(long)tileRows * cols];
        for (int first = 0; first < layout.Rows; first += tileRows)
        {
            int rows = Math.Min(tileRows, layout.Rows - first);
            gradient(first, rows, buffer);
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
                        score(unit, sum);
                    }
                }
            }
        }
    }
}
