using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels;

public class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 7, 5, 3 },
        { 8, 32, 16 },
        { 17, 33, 9 },
        { 100, 70, 300 },
        { 129, 257, 513 },
        { 1, 1000, 7 },
        { 10, 128, 1000 },
        { 1000, 128, 784 },
    };

    private static double Tolerance(int k) => 1e-5 + 1e-6 * k;

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllTransposes_MatchReference(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                float[] a = TestTensors.Random(m * k, 11 + m + k);
                float[] b = TestTensors.Random(k * n, 23 + n + k);
                float[] c = TestTensors.Random(m * n, 5); // garbage: must be overwritten
                float[] expected = new float[m * n];
                ReferenceKernels.Gemm(ta, tb, m, n, k, a, b, expected, accumulate: false);
                Gemm.Multiply(ta, tb, m, n, k, a, b, c);
                TestTensors.AssertClose(expected, c, Tolerance(k), 1e-5, $"C (ta={ta}, tb={tb}, {m}x{n}x{k})");
            }
        }
    }

    [Theory]
    [InlineData(9, 40, 300)]
    [InlineData(64, 64, 64)]
    [InlineData(3, 2, 1)]
    public void Accumulate_AddsToExisting(int m, int n, int k)
    {
        float[] a = TestTensors.Random(m * k, 1);
        float[] b = TestTensors.Random(k * n, 2);
        float[] c = TestTensors.Random(m * n, 3);
        float[] expected = (float[])c.Clone();
        ReferenceKernels.Gemm(true, false, m, n, k, a, b, expected, accumulate: true);
        Gemm.Multiply(true, false, m, n, k, a, b, c, accumulate: true);
        TestTensors.AssertClose(expected, c, Tolerance(k), 1e-5, "C += AᵀB");
    }

    [Fact]
    public void ZeroDepth_WritesZerosOrKeeps()
    {
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(false, false, 2, 2, 0, [], [], c, accumulate: true);
        Assert.Equal([1f, 2f, 3f, 4f], c);
        Gemm.Multiply(false, false, 2, 2, 0, [], [], c);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void ShortArray_Throws()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, new float[3], new float[4], new float[4]));
    }

    [Fact]
    public void ConcurrentCallers_DoNotShareScratch()
    {
        const int m = 65, n = 70, k = 90;
        var expected = new float[m * n];
        float[] a = TestTensors.Random(m * k, 8), b = TestTensors.Random(k * n, 9);
        ReferenceKernels.Gemm(false, false, m, n, k, a, b, expected, false);
        Parallel.For(0, 8, _ =>
        {
            var c = new float[m * n];
            for (int rep = 0; rep < 5; rep++)
            {
                Gemm.Multiply(false, false, m, n, k, a, b, c);
                TestTensors.AssertClose(expected, c, Tolerance(k), 1e-5, "concurrent C");
            }
        });
    }

    // Products of at most 16 rows skip packing (Gemm.Skinny): NN for any shape, NT when the depth is whole 16-lane chunks.
    // Rows cover the 4-row blocks and their remainders (1–3 rows left), columns the 64- and 16-wide bands and the
    // column-by-column tail (NN) and the 4-column blocks' remainders (NT).
    public static TheoryData<int, int, int> SkinnyShapes => new()
    {
        { 1, 1, 16 },
        { 2, 17, 32 },
        { 3, 70, 48 },
        { 4, 64, 16 },
        { 5, 131, 160 },
        { 10, 1000, 128 },
        { 10, 128, 1000 },
        { 13, 203, 64 },
        { 16, 96, 112 },
    };

    [Theory]
    [MemberData(nameof(SkinnyShapes))]
    public void Skinny_MatchesReference_WithBiasAccumulateAndOffset(int m, int n, int k)
    {
        foreach (bool tb in new[] { false, true })
        {
            const int offsetRows = 3; // A read from row 3 of a taller matrix, as RigL's gradient tiles are
            float[] tall = TestTensors.Random((m + offsetRows) * k, 31 + m + n + k);
            float[] a = tall[(offsetRows * k)..];
            float[] b = TestTensors.Random(k * n, 37 + n);
            float[] bias = TestTensors.Random(m, 41 + m);
            float[] c = TestTensors.Random(m * n, 43); // garbage: must be overwritten
            float[] expected = new float[m * n];
            ReferenceKernels.Gemm(false, tb, m, n, k, a, b, expected, accumulate: false);
            for (int i = 0; i < m * n; i++)
            {
                expected[i] += bias[i / n];
            }

            Gemm.MultiplyCore(false, tb, m, n, k, tall, b, c, accumulate: false, rowBias: bias, aOffset: (long)offsetRows * k);
            TestTensors.AssertClose(expected, c, Tolerance(k), 1e-5, $"C = bias + A·op(B) (tb={tb}, {m}x{n}x{k})");

            float[] start = TestTensors.Random(m * n, 47);
            float[] sum = (float[])start.Clone();
            ReferenceKernels.Gemm(false, tb, m, n, k, a, b, sum, accumulate: true);
            float[] c2 = (float[])start.Clone();
            Gemm.Multiply(false, tb, m, n, k, a, b, c2, accumulate: true);
            TestTensors.AssertClose(sum, c2, Tolerance(k), 1e-5, $"C += A·op(B) (tb={tb}, {m}x{n}x{k})");
        }
    }

    /// <summary>
    /// op(B) packed once and multiplied by bands of A's rows (RigL's gradient tiles): every band matches float64, the
    /// operand reused for a smaller B after a larger one, with a depth that is not a multiple of 8 and a partial last panel.
    /// </summary>
    [Theory]
    [InlineData(false, 70, 45, 19)]
    [InlineData(true, 1000, 100, 128)]
    [InlineData(true, 33, 3, 9)]
    public void MultiplyPacked_BandsOfA_MatchReference(bool transposeB, int m, int n, int k)
    {
        var packed = new Gemm.PackedOperand();
        packed.Pack(transposeB, n + 40, k + 5, TestTensors.Random((n + 40) * (k + 5), 1)); // larger first: the buffer is reused
        float[] a = TestTensors.Random(m * k, 2), b = TestTensors.Random(k * n, 3);
        packed.Pack(transposeB, n, k, b);
        float[] expected = new float[m * n];
        ReferenceKernels.Gemm(false, transposeB, m, n, k, a, b, expected, accumulate: false);
        int band = Math.Max(1, m / 3);
        float[] c = TestTensors.Random(band * n, 4); // garbage: must be overwritten
        for (int first = 0; first < m; first += band)
        {
            int rows = Math.Min(band, m - first);
            Gemm.MultiplyPacked(rows, a, (long)first * k, packed, c);
            TestTensors.AssertClose(expected.AsSpan(first * n, rows * n).ToArray(), c.AsSpan(0, rows * n).ToArray(), Tolerance(k), 1e-5, $"rows [{first}, {first + rows})");
        }
    }
}
