namespace SparseDsl.Sparse;

/// <summary>
/// For each column of a <see cref="CsrMatrix"/>, the rows and value positions that touch it: what a gather of
/// <c>dX = Wᵀ·dY</c> by column needs (the device's input-gradient kernel). Built on demand from the CSR arrays; the
/// matrix does not keep one (8 bytes per active weight the CPU's row-wise scatter does without).
/// </summary>
public sealed class CsrTransposeMap
{
    internal CsrTransposeMap(CsrMatrix matrix)
    {
        int cols = matrix.Cols;
        int[] rowPtr = matrix.RowPtr, colIdx = matrix.ColIdx;
        Ptr = new int[cols + 1];
        Rows = new int[colIdx.Length];
        Positions = new int[colIdx.Length];
        foreach (int c in colIdx)
        {
            Ptr[c + 1]++;
        }

        for (int c = 0; c < cols; c++)
        {
            Ptr[c + 1] += Ptr[c];
        }

        int[] next = Ptr[..cols];
        for (int r = 0; r < matrix.Rows; r++)
        {
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++)
            {
                int slot = next[colIdx[k]]++;
                Rows[slot] = r;
                Positions[slot] = k;
            }
        }
    }

    /// <summary>Column c is touched by entries [Ptr[c], Ptr[c+1]) of the two arrays below; length Cols + 1.</summary>
    public int[] Ptr { get; }

    /// <summary>The row of each entry (ascending within a column).</summary>
    public int[] Rows { get; }

    /// <summary>The position in <see cref="CsrMatrix.Values"/> of each entry.</summary>
    public int[] Positions { get; }
}
