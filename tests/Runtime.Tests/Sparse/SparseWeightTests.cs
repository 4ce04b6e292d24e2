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
}
