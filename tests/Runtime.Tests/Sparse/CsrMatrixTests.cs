using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

public class CsrMatrixTests
{
    [Theory]
    [InlineData(1000, 784, 39200)]
    [InlineData(7, 3, 21)]
    [InlineData(7, 3, 0)]
    [InlineData(1, 1, 1)]
    [InlineData(50, 40, 1999)]
    public void RandomMask_HasExactlyNnzDistinctSortedEntries(int rows, int cols, long nnz)
    {
        CsrMatrix m = CsrMatrix.RandomMask(rows, cols, nnz, new Random(42));
        Assert.Equal(nnz, m.Nnz);
        Assert.Equal(nnz, m.Values.Length);
        Assert.Equal(rows + 1, m.RowPtr.Length);
        Assert.Equal(0, m.RowPtr[0]);
        Assert.Equal(nnz, m.RowPtr[rows]);
        var seen = new HashSet<long>();
        for (int r = 0; r < rows; r++)
        {
            for (int k = m.RowPtr[r]; k < m.RowPtr[r + 1]; k++)
            {
                Assert.InRange(m.ColIdx[k], 0, cols - 1);
                if (k > m.RowPtr[r])
                {
                    Assert.True(m.ColIdx[k] > m.ColIdx[k - 1], $"row {r} not strictly increasing at {k}");
                }

                Assert.True(seen.Add((long)r * cols + m.ColIdx[k]));
            }
        }
    }

    [Fact]
    public void RandomMask_SameSeedSameMask_DifferentSeedDifferentMask()
    {
        CsrMatrix a = CsrMatrix.RandomMask(300, 200, 3000, new Random(7));
        CsrMatrix b = CsrMatrix.RandomMask(300, 200, 3000, new Random(7));
        CsrMatrix c = CsrMatrix.RandomMask(300, 200, 3000, new Random(8));
        Assert.Equal(a.RowPtr, b.RowPtr);
        Assert.Equal(a.ColIdx, b.ColIdx);
        Assert.NotEqual(a.ColIdx, c.ColIdx);
    }

    [Fact]
    public void RandomMask_IsRoughlyUniform()
    {
        // 100×100 at density 0.2, 50 masks: every cell is chosen with p = 0.2, so each row count is Binomial-like around 20·50.
        var rowHits = new int[100];
        var colHits = new int[100];
        var rng = new Random(3);
        for (int t = 0; t < 50; t++)
        {
            CsrMatrix m = CsrMatrix.RandomMask(100, 100, 2000, rng);
            for (int r = 0; r < 100; r++)
            {
                rowHits[r] += m.RowPtr[r + 1] - m.RowPtr[r];
            }

            foreach (int c in m.ColIdx)
            {
                colHits[c]++;
            }
        }

        // Mean 1000, sd ≈ 28: ±6 sd.
        Assert.All(rowHits, h => Assert.InRange(h, 830, 1170));
        Assert.All(colHits, h => Assert.InRange(h, 830, 1170));
    }

    [Fact]
    public void RandomMask_TooMany_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.RandomMask(3, 3, 10, new Random(1)));
    }

    [Fact]
    public void FromDense_ToDense_RoundTrips()
    {
        float[] dense = [0, 1.5f, 0, 0, -2, 0, 0, 0, 3, 0, 0, 4];
        CsrMatrix m = CsrMatrix.FromDense(dense, 3, 4);
        Assert.Equal(4, m.Nnz);
        Assert.Equal([0, 1, 2, 4], m.RowPtr);
        Assert.Equal([1, 0, 0, 3], m.ColIdx);
        Assert.Equal([1.5f, -2, 3, 4], m.Values);
        Assert.Equal(dense, m.ToDense());
    }

    [Fact]
    public void TransposeMap_ListsEveryEntryOfEachColumn()
    {
        CsrMatrix m = CsrMatrix.RandomMask(60, 45, 700, new Random(5));
        for (int k = 0; k < m.Nnz; k++)
        {
            m.Values[k] = k + 1;
        }

        float[] dense = m.ToDense();
        CsrTransposeMap t = m.Transpose();
        Assert.Equal(m.Nnz, t.Ptr[m.Cols]);
        int count = 0;
        for (int c = 0; c < m.Cols; c++)
        {
            int previousRow = -1;
            for (int j = t.Ptr[c]; j < t.Ptr[c + 1]; j++)
            {
                int r = t.Rows[j];
                Assert.True(r > previousRow);
                previousRow = r;
                Assert.Equal(dense[r * m.Cols + c], m.Values[t.Positions[j]]);
                count++;
            }
        }

        Assert.Equal(m.Nnz, count);
    }

    [Fact]
    public void Constructor_UnsortedColumns_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CsrMatrix(1, 4, [0, 2], [3, 1]));
    }
}
