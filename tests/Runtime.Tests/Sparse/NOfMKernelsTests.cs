using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Runtime.Tests.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

/// <summary>
/// The N:M format and its kernels against the float64 plain-loop dense product of the scattered weights, on seeded
/// random groups and data: 2:4 and other N:M (odd N, M up to 256, whose slots fill a byte), more inputs than one L1 slab
/// (<see cref="NOfMKernels.BlockInputs"/>), groups wider than a slab, more rows than one dz slab
/// (<see cref="NOfMPairMap.SlabRows"/>), an empty batch and batches below, at and past the 128-wide tile and not
/// multiples of 16, on every vector path this machine runs. Outputs start as garbage, so every element must be written.
/// </summary>
public class NOfMKernelsTests
{
    private static readonly Dictionary<string, NOfMCase> Cases = new[]
    {
        NOfMCase.Of<W112x96>(2, 4),
        NOfMCase.Of<W112x96>(3, 8),
        NOfMCase.Of<W112x96>(5, 96),
        NOfMCase.Of<W24x40>(1, 2),
        NOfMCase.Of<W9x20>(2, 4),
        NOfMCase.Of<W1100x12>(2, 4),
        NOfMCase.Of<W1100x12>(3, 4),
        NOfMCase.Of<W20x512>(3, 256),
    }.ToDictionary(c => c.Name);

    private static readonly int[] Batches = [0, 1, 7, 16, 33, 128, 130, 300];

    public static TheoryData<string, int> CaseData()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Cases.Keys)
        {
            foreach (int batch in Batches)
            {
                data.Add(name, batch);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseData))]
    public void Forward_MatchesFloat64DenseProduct(string name, int batch) => Cases[name].Forward(batch);

    [Theory]
    [MemberData(nameof(CaseData))]
    public void Backward_MatchesFloat64DenseProduct(string name, int batch) => Cases[name].Backward(batch);

    [Theory]
    [InlineData(2, 4, 1)]
    [InlineData(3, 8, 2)]
    [InlineData(1, 2, 3)]
    public void Units_RoundTrip_ScatterAndCsrAgree_PairMapHoldsEveryWeightOnce(int n, int m, int seed)
    {
        NOfMFormat w = RandomFormat(24, 40, n, m, seed);
        Assert.Equal(24 * 40 / m * n, w.StoredValues);
        int[] units = w.ActiveUnits();
        Assert.Equal(units.Order(), units);
        NOfMFormat again = Assert.IsType<NOfMFormat>(NOfMFormat.TryFromUnits(w.Layout, units, w.Values));
        Assert.Equal(w.Slots, again.Slots);

        // Every group of every row holds exactly N, at the positions the units name.
        float[] dense = w.ToDense();
        for (int r = 0; r < 24; r++)
        {
            for (int g = 0; g < 40 / m; g++)
            {
                Assert.Equal(n, Enumerable.Range(g * m, m).Count(c => dense[r * 40 + c] != 0f));
            }
        }

        CsrMatrix csr = w.AsCsr();
        Assert.Same(w.Values, csr.Values);
        var fromCsr = new float[24 * 40];
        new CsrFormat(csr, w.Layout).Scatter(csr.Values, fromCsr);
        Assert.Equal(dense, fromCsr);

        // The pair map: each stored weight in exactly one pair, under its own slab of rows and its group; a run's pairs
        // all write the run's two inputs, rows ascending.
        NOfMPairMap map = w.Pairs;
        var seen = new int[w.StoredValues];
        int groups = 40 / m, rowValues = groups * n;
        for (int segment = 0; segment + 1 < map.SegmentRuns.Length; segment++)
        {
            int slab = segment / groups, group = segment % groups;
            for (int run = map.SegmentRuns[segment]; run < map.SegmentRuns[segment + 1]; run++)
            {
                int start = run == 0 ? 0 : map.RunEnds[run - 1], first = map.RunSlots[run] & 0xFF, second = map.RunSlots[run] >> 8;
                for (int e = start; e < map.RunEnds[run]; e++)
                {
                    int k = map.Positions[e], row = map.Rows[e];
                    Assert.Equal(row / NOfMPairMap.SlabRows, slab);
                    Assert.Equal((row, group), (k / rowValues, k % rowValues / n));
                    Assert.Equal(group * m + first, units[k] % 40);
                    seen[k]++;
                    if (first != second)
                    {
                        Assert.Equal(group * m + second, units[k + 1] % 40);
                        Assert.Equal(k / n, (k + 1) / n);
                        seen[k + 1]++;
                    }
                    else
                    {
                        Assert.True(n % 2 == 1 && k % n == n - 1, $"a lone weight at {k} with N = {n}");
                    }

                    Assert.True(e == start || map.Rows[e - 1] < row);
                }
            }
        }

        Assert.All(seen, count => Assert.Equal(1, count));
    }

    [Fact]
    public void WeightFormats_NOfM_IsNOfMWithFullGroups_CsrWithAShortGroup()
    {
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4), 2, 8);
        WeightFormat full = WeightFormats.Create(layout, [0, 3, 5, 6, 9, 10, 12, 13], new float[8]);
        Assert.IsType(NOfMKernels.BestPath == VectorPath.Vector512 ? typeof(NOfMFormat) : typeof(CsrFormat), full);
        Assert.IsType<CsrFormat>(WeightFormats.Create(layout, [0, 3, 5, 9, 10, 12, 13], new float[7]));
        Assert.Null(NOfMFormat.TryFromUnits(layout, [0, 1, 2, 6, 9, 10, 12, 13], new float[8])); // three in group 0, one in group 1
    }

    [Fact]
    public void Kernels_ReadTheValuesLive_AfterTheyChange()
    {
        NOfMFormat w = RandomFormat(24, 40, 2, 4, seed: 4);
        const int batch = 19;
        float[] bias = TestTensors.Random(24, 1), x = TestTensors.Random(40 * batch, 2), y = new float[24 * batch];
        w.Forward<W24x40>(bias, x, y, batch);
        for (int k = 0; k < w.Values.Length; k++)
        {
            w.Values[k] = -3f * w.Values[k] + 0.5f;
        }

        w.Forward<W24x40>(bias, x, y, batch);
        float[] expected = new float[24 * batch];
        ReferenceKernels.DenseForward(w.ToDense(), bias, x, expected, 40, 24, batch);
        TestTensors.AssertClose(expected, y, 1e-4, 1e-5, "y after a value change");
    }

    /// <summary>Scalar always, Vector512 where the N:M kernels run it.</summary>
    private static IEnumerable<VectorPath> Paths()
    {
        yield return VectorPath.Scalar;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            yield return VectorPath.Vector512;
        }
    }

    /// <summary>An N:M format with N inputs drawn at random in every group, values in [-1, 1].</summary>
    private static NOfMFormat RandomFormat(int rows, int cols, int n, int m, int seed)
    {
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.NOfM, N: n, M: m), rows, cols);
        var random = new Random(seed);
        int[] units = [.. Enumerable.Range(0, layout.GroupCount)
            .SelectMany(g => Enumerable.Range(g * m, m).OrderBy(_ => random.Next()).Take(n))
            .Order()];
        return NOfMFormat.TryFromUnits(layout, units, TestTensors.Random(units.Length, seed + 1))!;
    }

    private abstract class NOfMCase
    {
        public abstract string Name { get; }

        public abstract void Forward(int batch);

        public abstract void Backward(int batch);

        public static NOfMCase Of<TShape>(int n, int m) where TShape : ILayerShape => new NOfMCase<TShape>(n, m);
    }

    private sealed class NOfMCase<TShape>(int n, int m) : NOfMCase
        where TShape : ILayerShape
    {
        private static int In => TShape.In;

        private static int Out => TShape.Out;

        public override string Name => $"{Out}x{In} {n}:{m}";

        public override void Forward(int batch)
        {
            NOfMFormat w = RandomFormat(Out, In, n, m, seed: 10 + batch);
            float[] bias = TestTensors.Random(Out, 2), x = TestTensors.Random(In * batch, 3 + batch);
            float[] expected = new float[Out * batch];
            ReferenceKernels.DenseForward(w.ToDense(), bias, x, expected, In, Out, batch);
            foreach (VectorPath path in Paths())
            {
                float[] y = TestTensors.Random(Out * batch, 4, 1e3f);
                NOfMKernels.Forward<TShape>(w, bias, x, y, batch, path);
                TestTensors.AssertClose(expected, y, 1e-5 + 1e-6 * In, 1e-5, $"y {Name}, batch {batch}, {path}");
            }
        }

        public override void Backward(int batch)
        {
            NOfMFormat w = RandomFormat(Out, In, n, m, seed: 20 + batch);
            float[] x = TestTensors.Random(In * batch, 5 + batch), dz = TestTensors.Random(Out * batch, 6 + batch);
            float[] eW = new float[Out * In], eb = new float[Out], ex = new float[In * batch];
            ReferenceKernels.DenseBackward(w.ToDense(), x, dz, eW, eb, ex, In, Out, batch);
            int[] units = w.ActiveUnits();
            float[] expectedValues = [.. units.Select(u => eW[u])];
            foreach (VectorPath path in Paths())
            {
                foreach (bool withDx in new[] { true, false })
                {
                    float[] dValues = TestTensors.Random(w.StoredValues, 7, 1e3f), db = TestTensors.Random(Out, 8, 1e3f);
                    float[]? dx = withDx ? TestTensors.Random(In * batch, 9, 1e3f) : null;
                    NOfMKernels.Backward<TShape>(w, x, dz, dValues, db, dx, batch, path);
                    string what = $"{Name}, batch {batch}, {path}";
                    TestTensors.AssertClose(expectedValues, dValues, 1e-5 + 1e-6 * batch, 1e-5, "dValues " + what);
                    TestTensors.AssertClose(eb, db, 1e-5 + 1e-6 * batch, 1e-5, "db " + what);
                    if (dx is not null)
                    {
                        TestTensors.AssertClose(ex, dx, 1e-5 + 1e-6 * Out, 1e-5, "dx " + what);
                    }
                }
            }
        }
    }
}
