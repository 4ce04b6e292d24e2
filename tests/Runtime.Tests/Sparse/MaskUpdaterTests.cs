using SparseDsl.Language;
using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

/// <summary>
/// RigL's invariants of one mask update (CONVENTIONS.md, Tests), on random layers and several seeds: drop and grow
/// disjoint, active count kept, drops are the smallest magnitudes, RigL grows the largest dense gradients among the
/// inactive units, a fixed seed gives the same change, and every pattern stays valid.
/// </summary>
public class MaskUpdaterTests
{
    public static TheoryData<int, int, int, double, double> UnstructuredCases() => new()
    {
        { 1, 7, 13, 0.3, 0.3 },
        { 2, 40, 25, 0.1, 0.3 },
        { 3, 64, 64, 0.05, 0.5 },
        { 4, 33, 17, 0.5, 0.2 },
        { 5, 20, 30, 0.8, 0.3 }, // more to drop than free units: the drop is capped so growth can refill it
        { 6, 300, 400, 0.2, 0.3 }, // large enough that SET's drop and growth run side by side (growth by rejection)
        { 7, 250, 260, 0.6, 0.5 }, // side by side, few free units (growth by a partial shuffle of the free list)
    };

    [Theory]
    [MemberData(nameof(UnstructuredCases))]
    public void RandomGrowth_DisjointCountKeptSmallestDropped(int seed, int rows, int cols, double density, double fraction)
    {
        var random = new Random(seed);
        var layout = UnitLayout.Unstructured(rows, cols);
        int[] active = RandomUnits(random, layout.UnitCount, (int)Math.Round(density * layout.UnitCount));
        float[] values = RandomValues(random, active.Length);
        int drop = (int)Math.Floor(active.Length * fraction);

        TopologyChange change = MaskUpdater.Plan(layout, active, values, drop, GrowCriterion.Random, new Random(seed * 31));

        var (dropped, grown) = Difference(active, change.ActiveUnits);
        int expected = Math.Min(drop, layout.UnitCount - active.Length);
        Assert.Equal(expected, dropped.Count);
        Assert.Equal(expected, grown.Count);
        Assert.Equal(active.Length, change.ActiveUnits.Length);
        Assert.Empty(dropped.Intersect(grown));
        Assert.Equal(expected, change.Dropped);
        Assert.Equal(expected, change.Grown);
        AssertSortedDistinct(change.ActiveUnits, layout.UnitCount);
        Assert.Equal(SmallestMagnitudes(active, values, expected), dropped.OrderBy(u => u));
        AssertRanks(active, change);
    }

    [Theory]
    [MemberData(nameof(UnstructuredCases))]
    public void GradientGrowth_PicksLargestDenseGradientAmongInactive(int seed, int rows, int cols, double density, double fraction)
    {
        var random = new Random(seed);
        var layout = UnitLayout.Unstructured(rows, cols);
        int[] active = RandomUnits(random, layout.UnitCount, (int)Math.Round(density * layout.UnitCount));
        float[] values = RandomValues(random, active.Length);
        const int batch = 9;
        float[] dz = RandomValues(random, rows * batch); // [rows, batch]
        float[] x = RandomValues(random, cols * batch);  // [cols, batch]
        double[] reference = DenseGradient(dz, x, rows, cols, batch); // |Σ_b dz[r,b]·x[c,b]| in float64
        int drop = (int)Math.Floor(active.Length * fraction);

        TopologyChange change = MaskUpdater.Plan(layout, active, values, drop, GrowCriterion.Gradient, new Random(1),
            (first, count, buffer) => GradientRows(dz, x, cols, batch, first, count, buffer));

        var (dropped, grown) = Difference(active, change.ActiveUnits);
        Assert.Equal(dropped.Count, grown.Count);
        Assert.Empty(dropped.Intersect(grown));
        var inactive = Enumerable.Range(0, layout.UnitCount).Except(active).ToArray();
        double kth = inactive.Select(u => reference[u]).OrderByDescending(s => s).ElementAt(grown.Count - 1);
        foreach (int unit in grown)
        {
            Assert.True(reference[unit] >= kth * (1 - 1e-4), $"grown unit {unit} has |g| {reference[unit]:G6}, below the {grown.Count}-th best {kth:G6}");
        }
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 40)]
    public void GradientGrowth_EqualScores_TheLowerUnitWins_ThroughSeveralCompactions(int seed, int levels)
    {
        // Scores on a few levels (many ties), a layer large enough that the best-units buffer compacts several times.
        var random = new Random(seed);
        var layout = UnitLayout.Unstructured(96, 200);
        int[] active = RandomUnits(random, layout.UnitCount, layout.UnitCount * 3 / 10);
        float[] values = RandomValues(random, active.Length);
        float[] scores = [.. Enumerable.Range(0, layout.UnitCount).Select(_ => (float)random.Next(levels))];
        int drop = active.Length * 3 / 10;

        TopologyChange change = MaskUpdater.Plan(layout, active, values, drop, GrowCriterion.Gradient, new Random(1),
            (first, count, buffer) => Array.Copy(scores, first * 200, buffer, 0, count * 200));

        var (_, grown) = Difference(active, change.ActiveUnits);
        int[] expected = [.. Enumerable.Range(0, layout.UnitCount).Except(active)
            .OrderByDescending(u => scores[u]).ThenBy(u => u).Take(grown.Count).Order()];
        Assert.Equal(drop, grown.Count);
        Assert.Equal(expected, grown.Order());
    }

    [Fact]
    public void SameSeed_SameChange_OtherSeed_OtherGrowth()
    {
        var random = new Random(9);
        var layout = UnitLayout.Unstructured(50, 40);
        int[] active = RandomUnits(random, layout.UnitCount, 200);
        float[] values = RandomValues(random, active.Length);

        var a = MaskUpdater.Plan(layout, active, values, 60, GrowCriterion.Random, new Random(5));
        var b = MaskUpdater.Plan(layout, active, values, 60, GrowCriterion.Random, new Random(5));
        var c = MaskUpdater.Plan(layout, active, values, 60, GrowCriterion.Random, new Random(6));

        Assert.Equal(a.ActiveUnits, b.ActiveUnits);
        Assert.Equal(a.OldRankOfNew, b.OldRankOfNew);
        Assert.NotEqual(a.ActiveUnits, c.ActiveUnits);
    }

    [Fact]
    public void Pruning_DropsExactlyTheSmallestAndGrowsNothing()
    {
        var random = new Random(12);
        var layout = UnitLayout.Unstructured(30, 30);
        int[] active = RandomUnits(random, layout.UnitCount, 500);
        float[] values = RandomValues(random, active.Length);

        TopologyChange change = MaskUpdater.Plan(layout, active, values, 123, GrowCriterion.None, new Random(1));

        var (dropped, grown) = Difference(active, change.ActiveUnits);
        Assert.Empty(grown);
        Assert.Equal(500 - 123, change.ActiveUnits.Length);
        Assert.Equal(SmallestMagnitudes(active, values, 123), dropped.OrderBy(u => u));
        AssertRanks(active, change);
    }

    [Fact]
    public void EqualMagnitudes_TiesDropTheLowerUnitFirst()
    {
        var layout = UnitLayout.Unstructured(1, 8);
        int[] active = [0, 2, 3, 5, 7];
        float[] values = [1f, -0.5f, 0.5f, 0.5f, 2f];

        TopologyChange change = MaskUpdater.Plan(layout, active, values, 2, GrowCriterion.None, new Random(1));

        Assert.Equal([0, 5, 7], change.ActiveUnits);
    }

    [Theory]
    [InlineData(1, GrowCriterion.Random)]
    [InlineData(2, GrowCriterion.Gradient)]
    [InlineData(3, GrowCriterion.Random)]
    public void NOfM_EveryGroupKeepsExactlyN(int seed, GrowCriterion grow)
    {
        var random = new Random(seed);
        const int rows = 12, cols = 16, batch = 5;
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4), rows, cols);
        int[] active = [.. Enumerable.Range(0, layout.GroupCount).SelectMany(g => RandomUnits(random, 4, 2).Select(u => g * 4 + u))];
        float[] values = RandomValues(random, active.Length);
        float[] dz = RandomValues(random, rows * batch);
        float[] x = RandomValues(random, cols * batch);

        TopologyChange change = MaskUpdater.Plan(layout, active, values, active.Length / 3, grow, new Random(seed),
            (first, count, buffer) => GradientRows(dz, x, cols, batch, first, count, buffer));

        var (dropped, grown) = Difference(active, change.ActiveUnits);
        Assert.NotEmpty(dropped);
        Assert.Empty(dropped.Intersect(grown));
        foreach (var group in change.ActiveUnits.GroupBy(layout.GroupOf))
        {
            Assert.Equal(2, group.Count());
        }

        Assert.Equal(layout.GroupCount, change.ActiveUnits.Select(layout.GroupOf).Distinct().Count());
        AssertRanks(active, change);
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(2, 8)]
    public void BlockUnits_TilesMoveWhole_ScoresSumOverTheTile(int height, int width)
    {
        var random = new Random(height * 10 + width);
        const int rows = 16, cols = 32;
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.Block, height, width), rows, cols);
        int[] active = RandomUnits(random, layout.UnitCount, layout.UnitCount / 4);
        float[] values = RandomValues(random, active.Length * layout.UnitSize);
        // one tile's weights all tiny: it must be the first dropped although single weights elsewhere are smaller
        Array.Fill(values, 1e-3f, 0, layout.UnitSize);
        values[layout.UnitSize + 1] = 0f;

        TopologyChange change = MaskUpdater.Plan(layout, active, values, 1, GrowCriterion.Random, new Random(3));

        var (dropped, grown) = Difference(active, change.ActiveUnits);
        Assert.Equal([active[0]], dropped);
        Assert.Single(grown);
        Assert.Equal(active.Length, change.ActiveUnits.Length);
    }

    /// <summary>
    /// Gradient growth equals a brute-force top-k (highest |g|, the lower unit on ties, NaN never grown, -0 as 0) on
    /// layers large enough for the best-units buffer to compact many times, both below and above the size where the
    /// compaction switches from a plain quickselect to a histogram.
    /// </summary>
    [Theory]
    [InlineData(1, 3, 0.5)]
    [InlineData(2, 1, 0.5)]
    [InlineData(3, 50_000, 0.5)]
    [InlineData(4, 50_000, 0.02)]
    [InlineData(5, 7, 0.02)]
    public void GradientGrowth_EqualsBruteForceTopK(int seed, int levels, double dropFraction)
    {
        var random = new Random(seed);
        const int rows = 300, cols = 410;
        var layout = UnitLayout.Unstructured(rows, cols);
        int[] active = [.. Enumerable.Range(0, rows * cols).Where(_ => random.NextDouble() < 0.1)];
        float[] values = [.. active.Select(_ => (float)random.NextDouble() + 0.01f)];
        float[] scores = [.. Enumerable.Range(0, rows * cols).Select(_ => random.Next(levels) / (float)levels)];
        for (int i = 0; i < scores.Length; i += 97)
        {
            scores[i] = -0f;
        }

        for (int i = 5; i < scores.Length; i += 131)
        {
            scores[i] = float.NaN;
        }

        int drop = (int)(active.Length * dropFraction);
        TopologyChange change = MaskUpdater.Plan(layout, active, values, drop, GrowCriterion.Gradient, new Random(1),
            (first, count, buffer) => Array.Copy(scores, first * cols, buffer, 0, count * cols));

        var wasActive = active.ToHashSet();
        int[] expected = [.. Enumerable.Range(0, rows * cols).Where(u => !wasActive.Contains(u) && !float.IsNaN(scores[u]))
            .OrderByDescending(u => Math.Abs(scores[u])).ThenBy(u => u).Take(drop).Order()];
        Assert.Equal(expected, change.ActiveUnits.Where((_, j) => change.OldRankOfNew[j] < 0));
    }

    /// <summary>
    /// Drop by magnitude against a brute-force order (magnitude, then rank) when a third of the weights tie at zero (grown
    /// and not trained since) and ties fall across the 16-wide compares and 64-rank words: the lowest ranks among the
    /// tied go first, on the side-by-side path (random growth, a large layer) and the plain one (no growth).
    /// </summary>
    [Theory]
    [InlineData(21, GrowCriterion.Random, 0.3)]
    [InlineData(22, GrowCriterion.None, 0.3)]
    [InlineData(23, GrowCriterion.Random, 0.1)]
    [InlineData(24, GrowCriterion.None, 0.45)]
    public void Drop_ManyTies_LowestRanksFirst(int seed, GrowCriterion grow, double dropFraction)
    {
        var random = new Random(seed);
        var layout = UnitLayout.Unstructured(300, 330);
        int[] active = RandomUnits(random, layout.UnitCount, layout.UnitCount / 4);
        float[] values = RandomValues(random, active.Length);
        for (int i = 0; i < values.Length; i++)
        {
            if (random.NextDouble() < 0.3)
            {
                values[i] = random.Next(2) == 0 ? 0f : -0f;
            }
            else if (random.NextDouble() < 0.05)
            {
                values[i] = 0.5f; // a second tied level
            }
        }

        int drop = (int)(active.Length * dropFraction);
        TopologyChange change = MaskUpdater.Plan(layout, active, values, drop, grow, new Random(2));

        Assert.Equal(SmallestMagnitudes(active, values, drop), Difference(active, change.ActiveUnits).Dropped);
    }

    /// <summary>
    /// RigL's floor from the first gradient tile: where the tiles score alike, every tile is computed once and the result
    /// is the brute-force top-k; where the first tile scores far above the rest (fewer scores than needed reach the
    /// floor), the scan runs again without a floor (every tile computed twice) and the result is still exact.
    /// </summary>
    [Theory]
    [InlineData(11, false)]
    [InlineData(12, true)]
    public void GradientGrowth_FirstTileFloor_ExactEvenWhenTheFirstTileScoresHigher(int seed, bool firstTileHigher)
    {
        var random = new Random(seed);
        const int rows = 1000, cols = 100;
        var layout = UnitLayout.Unstructured(rows, cols);
        int[] active = RandomUnits(random, layout.UnitCount, layout.UnitCount / 10);
        float[] values = RandomValues(random, active.Length);
        float[] scores = [.. Enumerable.Range(0, rows * cols).Select(u => (float)random.NextDouble() + (firstTileHigher && u < 256 * cols ? 1f : 0f))];
        int tiles = 0;
        int drop = active.Length * 3 / 10;
        TopologyChange change = MaskUpdater.Plan(layout, active, values, drop, GrowCriterion.Gradient, new Random(1), (first, count, buffer) =>
        {
            tiles++;
            Array.Copy(scores, first * cols, buffer, 0, count * cols);
        });

        var wasActive = active.ToHashSet();
        int[] expected = [.. Enumerable.Range(0, rows * cols).Where(u => !wasActive.Contains(u))
            .OrderByDescending(u => scores[u]).ThenBy(u => u).Take(drop).Order()];
        Assert.Equal(expected, change.ActiveUnits.Where((_, j) => change.OldRankOfNew[j] < 0));
        Assert.Equal(firstTileHigher ? 8 : 4, tiles); // 1000 rows in tiles of 256
    }

    /// <summary>
    /// A layer large enough for SET's drop and growth to run side by side: the same change as when the plan runs inside
    /// another parallel task (where they run one after the other on one thread), and run to run.
    /// </summary>
    [Fact]
    public void LargeRandomUpdate_SideBySideOrInline_SameChange()
    {
        var random = new Random(8);
        var layout = UnitLayout.Unstructured(320, 330);
        int[] active = RandomUnits(random, layout.UnitCount, layout.UnitCount / 5);
        float[] values = RandomValues(random, active.Length);
        TopologyChange Plan() => MaskUpdater.Plan(layout, active, values, active.Length * 3 / 10, GrowCriterion.Random, new Random(9));

        TopologyChange top = Plan();
        TopologyChange? inline = null;
        SparseDsl.Kernels.Workers.For(2, task =>
        {
            if (task == 0)
            {
                inline = Plan();
            }
        });

        Assert.Equal(top.ActiveUnits, inline!.ActiveUnits);
        Assert.Equal(top.OldRankOfNew, inline.OldRankOfNew);
        Assert.Equal(top.ActiveUnits, Plan().ActiveUnits);
    }

    /// <summary>Plans run side by side on several threads (each with its own scratch) give what they give alone.</summary>
    [Theory]
    [InlineData(GrowCriterion.Random)]
    [InlineData(GrowCriterion.Gradient)]
    public void PlansSideBySide_SameAsAlone(GrowCriterion grow)
    {
        var cases = Enumerable.Range(0, 6).Select(i =>
        {
            var random = new Random(i);
            var layout = UnitLayout.Unstructured(200 + 37 * i, 300);
            int[] active = [.. Enumerable.Range(0, layout.UnitCount).Where(_ => random.NextDouble() < 0.2)];
            return (Layout: layout, Active: active, Values: RandomValues(random, active.Length), Scores: RandomValues(random, layout.UnitCount));
        }).ToArray();
        TopologyChange Plan(int i) => MaskUpdater.Plan(cases[i].Layout, cases[i].Active, cases[i].Values, cases[i].Active.Length / 3, grow, new Random(i),
            (first, count, buffer) => Array.Copy(cases[i].Scores, first * cases[i].Layout.Cols, buffer, 0, count * cases[i].Layout.Cols));
        TopologyChange[] alone = [.. Enumerable.Range(0, cases.Length).Select(Plan)];

        for (int rep = 0; rep < 3; rep++)
        {
            var together = new TopologyChange[cases.Length];
            Parallel.For(0, cases.Length, i => together[i] = Plan(i));
            for (int i = 0; i < cases.Length; i++)
            {
                Assert.Equal(alone[i].ActiveUnits, together[i].ActiveUnits);
                Assert.Equal(alone[i].OldRankOfNew, together[i].OldRankOfNew);
            }
        }
    }

    private static int[] RandomUnits(Random random, int total, int count) =>
        [.. Enumerable.Range(0, total).OrderBy(_ => random.Next()).Take(count).Order()];

    private static float[] RandomValues(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    private static (List<int> Dropped, List<int> Grown) Difference(int[] before, int[] after) =>
        (before.Except(after).ToList(), after.Except(before).ToList());

    private static IEnumerable<int> SmallestMagnitudes(int[] active, float[] values, int count) =>
        active.Select((unit, rank) => (unit, rank)).OrderBy(p => Math.Abs(values[p.rank])).ThenBy(p => p.rank).Take(count).Select(p => p.unit).Order();

    private static void AssertSortedDistinct(int[] units, int total)
    {
        for (int i = 0; i < units.Length; i++)
        {
            Assert.InRange(units[i], 0, total - 1);
            Assert.True(i == 0 || units[i] > units[i - 1], $"units not strictly increasing at {i}");
        }
    }

    /// <summary>Each surviving unit names its old rank; each grown one -1.</summary>
    private static void AssertRanks(int[] active, TopologyChange change)
    {
        for (int j = 0; j < change.ActiveUnits.Length; j++)
        {
            int rank = change.OldRankOfNew[j];
            Assert.Equal(rank >= 0 ? active[rank] : -1, rank >= 0 ? change.ActiveUnits[j] : Array.IndexOf(active, change.ActiveUnits[j]));
        }
    }

    private static double[] DenseGradient(float[] dz, float[] x, int rows, int cols, int batch)
    {
        var g = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                {
                    sum += (double)dz[r * batch + b] * x[c * batch + b];
                }

                g[r * cols + c] = Math.Abs(sum);
            }
        }

        return g;
    }

    private static void GradientRows(float[] dz, float[] x, int cols, int batch, int first, int count, float[] buffer)
    {
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                float sum = 0f;
                for (int b = 0; b < batch; b++)
                {
                    sum += dz[(first + r) * batch + b] * x[c * batch + b];
                }

                buffer[r * cols + c] = MathF.Abs(sum);
            }
        }
    }
}
