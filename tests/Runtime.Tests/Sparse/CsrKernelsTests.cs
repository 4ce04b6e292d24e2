using SparseDsl.Kernels;
using SparseDsl.Runtime.Tests.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

public class CsrKernelsTests
{
    private static CsrMatrix RandomWeights<T>(double density, int seed) where T : ILayerShape
    {
        CsrMatrix w = CsrMatrix.RandomMask(T.Out, T.In, (long)Math.Round(density * T.Out * T.In), new Random(seed));
        TestTensors.Random(w.Nnz, seed + 1).CopyTo(w.Values, 0);
        return w;
    }

    /// <summary>
    /// The forward reads rows that start off a 64-byte boundary in their lines' own frame (masked first and last loads,
    /// accumulators shifted back at the row's end): checked for every 8-byte offset a .NET array can start at, against
    /// float64, with a tail of 16 columns after the 128-wide tiles (batch 144) and two tiles (batch 256).
    /// </summary>
    [Theory]
    [InlineData(128)]
    [InlineData(144)]
    [InlineData(256)]
    public void Forward_SourceAtEveryOffset_MatchesFloat64Reference(int batch)
    {
        CsrMatrix w = RandomWeights<S257x129>(0.2, 70);
        float[] bias = TestTensors.Random(129, 71), values = TestTensors.Random(257 * batch, 72);
        float[] expected = new float[129 * batch];
        ReferenceKernels.DenseForward(w.ToDense(), bias, values, expected, 257, 129, batch);
        var offsets = new HashSet<long>();
        var kept = new List<float[]>(); // held, so that each new array lands elsewhere
        for (int attempt = 0; attempt < 400 && offsets.Count < 8; attempt++)
        {
            float[] x = new float[257 * batch];
            kept.Add(x);
            long offset = AlignedOffset(x);
            if (!offsets.Add(offset))
            {
                continue;
            }

            values.CopyTo(x, 0);
            float[] y = TestTensors.Random(129 * batch, 73);
            CsrKernels.Forward<S257x129>(w, bias, x, y, batch);
            TestTensors.AssertClose(expected, y, 1e-5 + 1e-6 * 257, 1e-5, $"y with x {offset} bytes past a 64-byte boundary, batch {batch}");
        }

        Assert.True(offsets.Count >= 4, $"only {offsets.Count} distinct offsets of x were tried");
        Assert.Contains(offsets, o => o != 0);
    }

    private static long AlignedOffset(float[] array)
    {
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(array, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            return handle.AddrOfPinnedObject() % 64;
        }
        finally
        {
            handle.Free();
        }
    }

    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(7, 0.05)]
    [InlineData(128, 0.1)]
    [InlineData(128, 0.05)]
    [InlineData(130, 0.5)]
    [InlineData(48, 1.0)]
    public void Forward_MatchesDenseWithZeros(int batch, double density)
    {
        Check<S784x1000>(batch, density);
        Check<S33x17>(batch, density);
        Check<S1x1>(batch, 1.0);
        Check<S257x129>(batch, density);

        static void Check<T>(int batch, double density) where T : ILayerShape
        {
            CsrMatrix w = RandomWeights<T>(density, 10);
            float[] bias = TestTensors.Random(T.Out, 2), x = TestTensors.Random(T.In * batch, 3);
            float[] y = TestTensors.Random(T.Out * batch, 4), expected = new float[T.Out * batch];
            ReferenceKernels.DenseForward(w.ToDense(), bias, x, expected, T.In, T.Out, batch);
            CsrKernels.Forward<T>(w, bias, x, y, batch);
            TestTensors.AssertClose(expected, y, 1e-5 + 1e-6 * T.In, 1e-5, $"y {T.Out}x{T.In} density {density} batch {batch}");
        }
    }

    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(7, 0.05)]
    [InlineData(128, 0.1)]
    [InlineData(128, 0.05)]
    [InlineData(130, 0.5)]
    [InlineData(48, 1.0)]
    public void Backward_MatchesDenseWithZeros(int batch, double density)
    {
        Check<S784x1000>(batch, density, withDx: true);
        Check<S784x1000>(batch, density, withDx: false);
        Check<S33x17>(batch, density, withDx: true);
        Check<S1x1>(batch, 1.0, withDx: true);
        Check<S257x129>(batch, density, withDx: true);

        static void Check<T>(int batch, double density, bool withDx) where T : ILayerShape
        {
            CsrMatrix w = RandomWeights<T>(density, 20);
            float[] x = TestTensors.Random(T.In * batch, 3), dy = TestTensors.Random(T.Out * batch, 5);
            float[] dValues = TestTensors.Random(w.Nnz, 6), db = TestTensors.Random(T.Out, 7);
            float[]? dx = withDx ? TestTensors.Random(T.In * batch, 8) : null;
            float[] eW = new float[T.Out * T.In], eb = new float[T.Out];
            float[]? ex = withDx ? new float[T.In * batch] : null;
            ReferenceKernels.DenseBackward(w.ToDense(), x, dy, eW, eb, ex, T.In, T.Out, batch);
            CsrKernels.Backward<T>(w, x, dy, dValues, db, dx, batch);

            // The dense gradient restricted to the active positions.
            var expectedValues = new float[w.Nnz];
            for (int r = 0; r < w.Rows; r++)
            {
                for (int k = w.RowPtr[r]; k < w.RowPtr[r + 1]; k++)
                {
                    expectedValues[k] = eW[r * w.Cols + w.ColIdx[k]];
                }
            }

            string shape = $"{T.Out}x{T.In} density {density} batch {batch}";
            TestTensors.AssertClose(expectedValues, dValues, 1e-5 + 1e-6 * batch, 1e-5, "dValues " + shape);
            TestTensors.AssertClose(eb, db, 1e-5 + 1e-6 * batch, 1e-5, "db " + shape);
            if (ex is not null)
            {
                TestTensors.AssertClose(ex, dx, 1e-5 + 1e-6 * T.Out, 1e-5, "dx " + shape);
            }
        }
    }

    /// <summary>
    /// dX alone (the row-wise scatter) against a float64 sum over the active weights, at batches that take every path:
    /// 1 and under 16 (one scalar slice on the calling thread), 16 and 64 (whole vectors), 17, 33, 65, 100, 129 (a
    /// partial vector or scalar tail in the last core's slice) and past 128; low densities leave rows and columns empty.
    /// </summary>
    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(1, 0.5)]
    [InlineData(3, 0.05)]
    [InlineData(15, 0.2)]
    [InlineData(16, 0.1)]
    [InlineData(17, 0.1)]
    [InlineData(33, 0.05)]
    [InlineData(64, 0.1)]
    [InlineData(65, 0.02)]
    [InlineData(100, 0.1)]
    [InlineData(129, 0.05)]
    [InlineData(257, 0.01)]
    public void InputGradient_MatchesFloat64Reference(int batch, double density)
    {
        Check<S784x1000>(batch, density);
        Check<S1000x10>(batch, density);
        Check<S100x70>(batch, density);
        Check<S257x129>(batch, density);
        Check<S33x17>(batch, density);
        Check<S1x1>(batch, 1.0);

        static void Check<T>(int batch, double density) where T : ILayerShape
        {
            CsrMatrix w = RandomWeights<T>(density, 50);
            float[] x = TestTensors.Random(T.In * batch, 51), dz = TestTensors.Random(T.Out * batch, 52);
            float[] dValues = new float[w.Nnz], db = new float[T.Out], dx = TestTensors.Random(T.In * batch, 53);
            var expected = new double[T.In * batch];
            for (int r = 0; r < w.Rows; r++)
            {
                for (int k = w.RowPtr[r]; k < w.RowPtr[r + 1]; k++)
                {
                    for (int b = 0; b < batch; b++)
                    {
                        expected[w.ColIdx[k] * batch + b] += (double)w.Values[k] * dz[r * batch + b];
                    }
                }
            }

            CsrKernels.Backward<T>(w, x, dz, dValues, db, dx, batch);
            TestTensors.AssertClose(expected, dx, 1e-5 + 1e-6 * T.Out, 1e-5, $"dx {T.Out}x{T.In} density {density} batch {batch}");
        }
    }

    /// <summary>
    /// Whatever the batch split across cores, every dx element is its column's entries summed in ascending row order,
    /// one float FMA each from zero (the order the transpose gather used): equal bit for bit to that sum done here.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(128)]
    [InlineData(130)]
    public void InputGradient_SumsEachColumnInRowOrder_BitForBit(int batch)
    {
        CsrMatrix w = RandomWeights<S784x1000>(0.1, 60);
        float[] x = TestTensors.Random(784 * batch, 61), dz = TestTensors.Random(1000 * batch, 62);
        float[] dValues = new float[w.Nnz], db = new float[1000], dx = TestTensors.Random(784 * batch, 63);
        var expected = new float[784 * batch];
        for (int r = 0; r < w.Rows; r++)
        {
            for (int k = w.RowPtr[r]; k < w.RowPtr[r + 1]; k++)
            {
                for (int b = 0; b < batch; b++)
                {
                    int at = w.ColIdx[k] * batch + b;
                    expected[at] = MathF.FusedMultiplyAdd(w.Values[k], dz[r * batch + b], expected[at]);
                }
            }
        }

        CsrKernels.Backward<S784x1000>(w, x, dz, dValues, db, dx, batch);
        Assert.Equal(expected, dx);
    }

    [Fact]
    public void Backward_AfterValuesChange_UsesNewValues()
    {
        CsrMatrix w = RandomWeights<S33x17>(0.3, 1);
        const int batch = 20;
        float[] x = TestTensors.Random(33 * batch, 2), dy = TestTensors.Random(17 * batch, 3);
        float[] dValues = new float[w.Nnz], db = new float[17], dx = new float[33 * batch];
        CsrKernels.Backward<S33x17>(w, x, dy, dValues, db, dx, batch);
        for (int k = 0; k < w.Nnz; k++)
        {
            w.Values[k] *= -2f;
        }

        CsrKernels.Backward<S33x17>(w, x, dy, dValues, db, dx, batch);
        float[] eW = new float[17 * 33], eb = new float[17], ex = new float[33 * batch];
        ReferenceKernels.DenseBackward(w.ToDense(), x, dy, eW, eb, ex, 33, 17, batch);
        TestTensors.AssertClose(ex, dx, 1e-4, 1e-5, "dx after value change");
    }

    /// <summary>
    /// The 128-wide gather prefetches the src row a few entries ahead, clamped to the last entry: entries only at the
    /// very end (the clamp engages on every entry), empty rows and columns, and no entries at all.
    /// </summary>
    [Theory]
    [InlineData(128, 0)]
    [InlineData(128, 1)]
    [InlineData(128, 3)]
    [InlineData(256, 5)]
    [InlineData(144, 2)]
    public void Gather_EntriesOnlyAtTheEnd_MatchesDense(int batch, int entries)
    {
        const int inputs = 33, outputs = 17;
        var dense = new float[outputs * inputs];
        float[] v = TestTensors.Random(entries, 1);
        for (int e = 0; e < entries; e++)
        {
            dense[outputs * inputs - 1 - 2 * e] = v[e] == 0f ? 1f : v[e]; // the last row's last columns
        }

        CsrMatrix w = CsrMatrix.FromDense(dense, outputs, inputs);
        float[] bias = TestTensors.Random(outputs, 2), x = TestTensors.Random(inputs * batch, 3), dy = TestTensors.Random(outputs * batch, 4);
        float[] y = TestTensors.Random(outputs * batch, 5), dValues = new float[w.Nnz], db = new float[outputs];
        float[] dx = TestTensors.Random(inputs * batch, 6);
        float[] ey = new float[outputs * batch], eW = new float[outputs * inputs], eb = new float[outputs], ex = new float[inputs * batch];
        ReferenceKernels.DenseForward(dense, bias, x, ey, inputs, outputs, batch);
        ReferenceKernels.DenseBackward(dense, x, dy, eW, eb, ex, inputs, outputs, batch);
        CsrKernels.Forward<S33x17>(w, bias, x, y, batch);
        CsrKernels.Backward<S33x17>(w, x, dy, dValues, db, dx, batch);
        TestTensors.AssertClose(ey, y, 1e-5, 1e-5, $"y, {entries} entries, batch {batch}");
        TestTensors.AssertClose(ex, dx, 1e-5, 1e-5, $"dx, {entries} entries, batch {batch}");
        for (int k = 0; k < w.Nnz; k++)
        {
            int r = Array.FindLastIndex(w.RowPtr, p => p <= k);
            Assert.Equal(eW[r * inputs + w.ColIdx[k]], dValues[k], 1e-4f);
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(32)]
    public void Backward_SameResultsAtEveryAlignmentOfTheActivations_WithAndWithoutTheAlignedCopy(int batch)
    {
        // SDDMM gathers from a 64-byte-aligned copy of a misaligned x, and dX scatters into an aligned scratch when dx is
        // misaligned (in place when it is aligned); the copies must change speed only.
        CsrMatrix w = RandomWeights<S784x1000>(0.1, 40);
        float[] xValues = TestTensors.Random(784 * batch, 41), dyValues = TestTensors.Random(1000 * batch, 42);
        float[] eW = new float[1000 * 784], eb = new float[1000], ex = new float[784 * batch];
        ReferenceKernels.DenseBackward(w.ToDense(), xValues, dyValues, eW, eb, ex, 784, 1000, batch);
        float[]? firstValues = null, firstDx = null;
        try
        {
            foreach (bool copy in new[] { true, false })
            {
                CsrKernels.CopyMisalignedSources = copy;
                for (int offset = 0; offset < 64; offset += 8)
                {
                    float[] x = PinnedAt(offset, xValues), dy = PinnedAt(offset, dyValues);
                    float[] dValues = new float[w.Nnz], db = new float[1000], dx = PinnedAt(offset, new float[784 * batch]);
                    CsrKernels.Backward<S784x1000>(w, x, dy, dValues, db, dx, batch);
                    Assert.Equal(xValues, x);   // the inputs are read, never written
                    Assert.Equal(dyValues, dy);
                    if (firstValues is null)
                    {
                        firstValues = dValues;
                        firstDx = dx;
                        TestTensors.AssertClose(ex, dx, 1e-5 + 1e-6 * 1000, 1e-5, $"dx batch {batch}");
                        continue;
                    }

                    Assert.Equal(firstValues, dValues); // bit for bit: the same sums in the same order
                    Assert.Equal(firstDx, dx);
                }
            }
        }
        finally
        {
            CsrKernels.CopyMisalignedSources = true;
        }
    }

    /// <summary>A pinned copy of <paramref name="values"/> whose data starts <paramref name="offsetBytes"/> past a 64-byte boundary.</summary>
    private static float[] PinnedAt(int offsetBytes, float[] values)
    {
        var missed = new List<float[]>(); // kept until one lands right, so each try gets a new address
        while (true)
        {
            float[] array = GC.AllocateArray<float>(values.Length, pinned: true);
            var handle = System.Runtime.InteropServices.GCHandle.Alloc(array, System.Runtime.InteropServices.GCHandleType.Pinned);
            long address = handle.AddrOfPinnedObject();
            handle.Free();
            if (address % 64 == offsetBytes)
            {
                values.CopyTo(array, 0);
                GC.KeepAlive(missed);
                return array;
            }

            missed.Add(array);
        }
    }

    [Fact]
    public void Forward_ShapeMismatch_Throws()
    {
        CsrMatrix w = CsrMatrix.RandomMask(17, 34, 10, new Random(1));
        Assert.Throws<ArgumentException>(() => CsrKernels.Forward<S33x17>(w, new float[17], new float[33], new float[17], 1));
    }
}
