using SparseDsl.Language;
using SparseDsl.Sparse;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Sparse;

/// <summary>One topology change moves values, gradient, optimizer slots and steps together, and the format follows.</summary>
public class SparseWeightTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Apply_SurvivorsKeepValueAndStateBitForBit_GrownStartAtZero(int seed)
    {
        var random = new Random(seed);
        const int rows = 24, cols = 31;
        var layout = UnitLayout.Unstructured(rows, cols);
        int[] units = [.. Enumerable.Range(0, rows * cols).OrderBy(_ => random.Next()).Take(150).Order()];
        float[] values = [.. units.Select(_ => (float)(random.NextDouble() - 0.5))];
        var weight = new SparseWeight("w", WeightFormats.Create(layout, units, values));
        var optimizer = new AdamW(new OptimizerSpec(OptimizerKind.AdamW, 1e-2, MomentWarmupSteps: 10), [weight.Parameter], 100);
        for (int step = 0; step < 5; step++)
        {
            for (int i = 0; i < weight.Parameter.Length; i++)
            {
                weight.Parameter.Grad[i] = (float)(random.NextDouble() - 0.5);
            }

            optimizer.Step(step);
        }

        float[] dense = weight.Format.ToDense();
        float[] m = optimizer.FirstMoment(weight.Parameter).ToArray();
        float[] v = optimizer.SecondMoment(weight.Parameter).ToArray();
        int[] oldUnits = weight.Format.ActiveUnits();
        TopologyChange change = MaskUpdater.Plan(layout, oldUnits, weight.Parameter.Values, 40, GrowCriterion.Random, new Random(seed));

        weight.Apply(change);

        Assert.Equal(1, weight.Version);
        Assert.Equal(change.ActiveUnits, weight.Format.ActiveUnits());
        Assert.Same(weight.Parameter.Values, weight.Format.Values);
        Assert.Equal(150.0 / (rows * cols), weight.Parameter.Density, 12);
        Assert.Equal(150, weight.Parameter.Grad.Length);
        float[] after = weight.Format.ToDense();
        for (int j = 0; j < change.ActiveUnits.Length; j++)
        {
            int unit = change.ActiveUnits[j];
            int old = change.OldRankOfNew[j];
            if (old >= 0)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(dense[unit]), BitConverter.SingleToInt32Bits(after[unit]));
                Assert.Equal(BitConverter.SingleToInt32Bits(m[old]), BitConverter.SingleToInt32Bits(weight.Parameter.Slots[0][j]));
                Assert.Equal(BitConverter.SingleToInt32Bits(v[old]), BitConverter.SingleToInt32Bits(weight.Parameter.Slots[1][j]));
                Assert.Equal(5, weight.Parameter.Ages![j]);
            }
            else
            {
                Assert.Equal(0f, weight.Parameter.Values[j]);
                Assert.Equal(0f, weight.Parameter.Slots[0][j]);
                Assert.Equal(0f, weight.Parameter.Slots[1][j]);
                Assert.Equal(0, weight.Parameter.Ages![j]);
            }
        }

        // Off the new mask the dense view is zero: dropped weights are gone, not masked.
        foreach (int unit in oldUnits.Except(change.ActiveUnits))
        {
            Assert.Equal(0f, after[unit]);
        }

        // the optimizer keeps training the same parameter object over its new arrays
        optimizer.Step(5);
        Assert.Contains(1, weight.Parameter.Ages!.ToArray());
    }

    [Fact]
    public void WeightFormats_AllUnitsActive_IsDense_ElseCsr()
    {
        var layout = UnitLayout.Unstructured(3, 4);
        Assert.IsType<DenseFormat>(WeightFormats.Create(layout, [.. Enumerable.Range(0, 12)], new float[12]));
        var csr = Assert.IsType<CsrFormat>(WeightFormats.Create(layout, [1, 5, 6, 11], [1f, 2f, 3f, 4f]));
        Assert.Equal([0, 1, 3, 4], csr.Matrix.RowPtr);
        Assert.Equal([1, 1, 2, 3], csr.Matrix.ColIdx);
        Assert.Equal([1, 5, 6, 11], csr.ActiveUnits());
        Assert.Throws<ArgumentException>(() => WeightFormats.Create(layout, [1, 5], new float[3]));
    }

    [Theory]
    [InlineData(new[] { 1, 5, 5, 11 })]  // repeated
    [InlineData(new[] { 1, 6, 5, 11 })]  // descending within a row
    [InlineData(new[] { 1, 5, 9, 8 })]   // descending across rows
    [InlineData(new[] { -1, 5, 6, 11 })] // below the first unit
    [InlineData(new[] { 1, 5, 6, 12 })]  // past the last unit
    public void CsrFromUnits_NotStrictlyAscendingInRange_Refused(int[] units)
    {
        var layout = UnitLayout.Unstructured(3, 4);
        Assert.Throws<ArgumentException>(() => CsrFormat.FromUnits(layout, units, new float[4]));
    }

    [Fact]
    public void Apply_HandMadeChangeOutOfOrder_RefusedBeforeAnythingMoves()
    {
        var layout = UnitLayout.Unstructured(3, 4);
        var weight = new SparseWeight("w", WeightFormats.Create(layout, [1, 5, 6, 11], [1f, 2f, 3f, 4f]));
        Assert.Throws<ArgumentException>(() => weight.Apply(new TopologyChange([1, 6, 5, 11], [0, 2, 1, 3], 0, 0)));
        Assert.Equal([1f, 2f, 3f, 4f], weight.Parameter.Values);
        Assert.Equal([1, 5, 6, 11], weight.Format.ActiveUnits());
        Assert.Equal(0, weight.Version);
    }

    /// <summary>
    /// A hand-made change with ascending units but old ranks out of order still gives each unit the value of its rank
    /// (gathered, not moved in place); a rank outside the old units is refused before anything moves.
    /// </summary>
    [Fact]
    public void Apply_HandMadeRanks_CheckedBeforeAnythingMoves()
    {
        var layout = UnitLayout.Unstructured(3, 4);
        var weight = new SparseWeight("w", WeightFormats.Create(layout, [1, 5, 6, 11], [1f, 2f, 3f, 4f]));
        weight.Parameter.AllocateState(1, ageLimit: null);
        weight.Parameter.Slots[0][2] = 7f;

        weight.Apply(new TopologyChange([1, 5, 6, 11], [0, 2, 1, 3], 0, 0));

        Assert.Equal([1f, 3f, 2f, 4f], weight.Parameter.Values);
        Assert.Equal([0f, 7f, 0f, 0f], weight.Parameter.Slots[0]);

        foreach (int[] ranks in new[] { new[] { 1, 2, 3, 9 }, [0, -2, 1, 2] })
        {
            float[] before = [.. weight.Parameter.Values];
            Assert.Throws<ArgumentOutOfRangeException>(() => weight.Apply(new TopologyChange([1, 5, 6, 11], ranks, 0, 0)));
            Assert.Equal(before, weight.Parameter.Values);
            Assert.Equal(1, weight.Version);
        }
    }

    /// <summary>
    /// A change that keeps the count moves values, gradient, slots and ages within their arrays and the CSR format takes
    /// over the old index arrays (nothing allocated per update), with the same result as gathering into new arrays.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Apply_CountKept_MovesInPlace_SameAsGather(int seed)
    {
        var random = new Random(seed);
        const int rows = 37, cols = 53;
        var layout = UnitLayout.Unstructured(rows, cols);
        int[] units = [.. Enumerable.Range(0, rows * cols).OrderBy(_ => random.Next()).Take(300).Order()];
        var weight = new SparseWeight("w", WeightFormats.Create(layout, units, [.. units.Select(_ => (float)(random.NextDouble() - 0.5))]));
        weight.Parameter.AllocateState(2, ageLimit: 50);
        foreach (float[] slot in weight.Parameter.Slots)
        {
            for (int i = 0; i < slot.Length; i++)
            {
                slot[i] = (float)random.NextDouble();
            }
        }

        weight.Parameter.Ages!.CopyFrom([.. units.Select(_ => random.Next(51))]);
        float[] values = weight.Parameter.Values;
        IReadOnlyList<float[]> slots = [.. weight.Parameter.Slots];
        int[] colIdx = weight.Format.AsCsr()!.ColIdx;
        for (int update = 0; update < 4; update++)
        {
            float[] oldValues = [.. weight.Parameter.Values];
            float[][] oldSlots = [.. weight.Parameter.Slots.Select(s => s.ToArray())];
            int[] oldAges = weight.Parameter.Ages!.ToArray();
            TopologyChange change = MaskUpdater.Plan(layout, weight.Format.ActiveUnits(), weight.Parameter.Values, 30 + 20 * update, GrowCriterion.Random, new Random(seed + update));

            weight.Apply(change);

            Assert.Same(values, weight.Parameter.Values);
            Assert.Same(slots[0], weight.Parameter.Slots[0]);
            Assert.Same(slots[1], weight.Parameter.Slots[1]);
            Assert.Same(colIdx, weight.Format.AsCsr()!.ColIdx);
            Assert.Equal(Parameter.Gather(oldValues, change.OldRankOfNew, 1), weight.Parameter.Values);
            Assert.Equal(Parameter.Gather(oldSlots[0], change.OldRankOfNew, 1), weight.Parameter.Slots[0]);
            Assert.Equal(Parameter.Gather(oldSlots[1], change.OldRankOfNew, 1), weight.Parameter.Slots[1]);
            Assert.Equal(Parameter.Gather(oldAges, change.OldRankOfNew, 1), weight.Parameter.Ages!.ToArray());
            Assert.Equal(change.ActiveUnits, weight.Format.ActiveUnits());
        }
    }

    /// <summary>The in-place move equals a gather on random order-keeping maps, for single values and for units of several.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 4)]
    [InlineData(4, 16)]
    public void MoveInPlace_OrderKeepingMap_EqualsGather(int seed, int unitSize)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            int units = random.Next(1, 400);
            // Survivors: an ascending subset of the old units; the rest of the new units are grown (-1), interleaved at random.
            int[] survivors = [.. Enumerable.Range(0, units).Where(_ => random.NextDouble() < 0.7)];
            var map = new List<int>(survivors);
            while (map.Count < units)
            {
                map.Insert(random.Next(map.Count + 1), -1);
            }

            int[] old = [.. Enumerable.Range(0, units * unitSize).Select(_ => random.Next())];
            int[] moved = [.. old];
            Parameter.MoveInPlace<int>(moved, [.. map], unitSize);
            Assert.Equal(Parameter.Gather(old, [.. map], unitSize), moved);

            ushort[] narrow = [.. old.Select(v => (ushort)v)];
            Parameter.MoveInPlace<ushort>(narrow, [.. map], unitSize);
            Assert.Equal(Parameter.Gather([.. old.Select(v => (ushort)v)], [.. map], unitSize), narrow);
        }
    }

    /// <summary>
    /// A weight large enough for its arrays to move on several cores, single values and tiles of 4: values, both slots
    /// and the ages in place equal a gather; a map array longer than the count is read only up to the count.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 4)]
    public void Remap_LargeWeight_MovesOnTheCores_SameAsGather(int seed, int unitSize)
    {
        var random = new Random(seed);
        int units = 40_000 / unitSize + random.Next(1000);
        var map = Enumerable.Range(0, units).Where(_ => random.NextDouble() < 0.6).ToList();
        while (map.Count < units)
        {
            map.Insert(random.Next(map.Count + 1), -1);
        }

        var parameter = new Parameter("w", [.. Enumerable.Range(0, units * unitSize).Select(_ => (float)random.NextDouble())], decays: true);
        parameter.AllocateState(2, ageLimit: 1000);
        foreach (float[] slot in parameter.Slots)
        {
            for (int i = 0; i < slot.Length; i++)
            {
                slot[i] = (float)random.NextDouble();
            }
        }

        parameter.Ages!.CopyFrom([.. Enumerable.Range(0, parameter.Length).Select(_ => random.Next(1000))]);
        parameter.Grad.AsSpan().Fill(0.5f);
        float[] values = [.. parameter.Values], m = [.. parameter.Slots[0]], v = [.. parameter.Slots[1]];
        int[] ages = parameter.Ages.ToArray();
        float[] valuesArray = parameter.Values;

        parameter.Remap([.. map, 12345, 777], map.Count, unitSize);

        Assert.Same(valuesArray, parameter.Values);
        Assert.Equal(Parameter.Gather(values, [.. map], unitSize), parameter.Values);
        Assert.Equal(Parameter.Gather(m, [.. map], unitSize), parameter.Slots[0]);
        Assert.Equal(Parameter.Gather(v, [.. map], unitSize), parameter.Slots[1]);
        Assert.Equal(Parameter.Gather(ages, [.. map], unitSize), parameter.Ages.ToArray());
        Assert.All(parameter.Grad, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Remap_LengthChanges_GathersIntoNewArrays()
    {
        var parameter = new Parameter("w", [1f, 2f, 3f, 4f], decays: true);
        parameter.AllocateState(1, ageLimit: null);
        float[] values = parameter.Values;
        parameter.Remap([1, -1, 3]);
        Assert.NotSame(values, parameter.Values);
        Assert.Equal([2f, 0f, 4f], parameter.Values);
        Assert.Equal(3, parameter.Slots[0].Length);
        Assert.Equal(3, parameter.Grad.Length);
    }
}
