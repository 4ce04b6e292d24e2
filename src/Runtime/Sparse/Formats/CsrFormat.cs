using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>Unstructured sparsity: the active weights in CSR (<see cref="CsrMatrix"/>), SpMM forward, SDDMM dW, transpose-gather dX.</summary>
public sealed class CsrFormat : WeightFormat
{
    /// <summary>The CSR matrix over <paramref name="matrix"/>.Values, which become this format's stored values.</summary>
    public CsrFormat(CsrMatrix matrix)
        : base(UnitLayout.Unstructured(matrix.Rows, matrix.Cols), matrix.Values)
    {
        Matrix = matrix;
    }

    /// <summary>The CSR arrays; <see cref="CsrMatrix.Values"/> is <see cref="WeightFormat.Values"/>.</summary>
    public CsrMatrix Matrix { get; }

    public override bool IsDense => false;

    /// <summary>Unit = position <c>row·Cols + col</c>: CSR order is ascending unit order.</summary>
    public override int[] ActiveUnits()
    {
        var units = new int[Matrix.Nnz];
        for (int r = 0; r < Rows; r++)
        {
            for (int k = Matrix.RowPtr[r]; k < Matrix.RowPtr[r + 1]; k++)
            {
                units[k] = r * Cols + Matrix.ColIdx[k];
            }
        }

        return units;
    }

    /// <summary>The CSR format of sorted active <paramref name="units"/> over <paramref name="values"/> (one per unit).</summary>
    public static CsrFormat FromUnits(int rows, int cols, int[] units, float[] values)
    {
        var rowPtr = new int[rows + 1];
        var colIdx = new int[units.Length];
        for (int k = 0; k < units.Length; k++)
        {
            int unit = units[k];
            rowPtr[unit / cols + 1]++;
            colIdx[k] = unit % cols;
        }

        for (int r = 0; r < rows; r++)
        {
            rowPtr[r + 1] += rowPtr[r];
        }

        return new CsrFormat(new CsrMatrix(rows, cols, rowPtr, colIdx, values));
    }

    public override void Forward<TShape>(float[] bias, float[] x, float[] y, int batch) =>
        CsrKernels.Forward<TShape>(Matrix, bias, x, y, batch);

    public override void Backward<TShape>(float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch) =>
        CsrKernels.Backward<TShape>(Matrix, x, dz, dValues, db, dx, batch);

    public override void Scatter(ReadOnlySpan<float> values, Span<float> dense)
    {
        for (int r = 0; r < Rows; r++)
        {
            for (int k = Matrix.RowPtr[r]; k < Matrix.RowPtr[r + 1]; k++)
            {
                dense[r * Cols + Matrix.ColIdx[k]] = values[k];
            }
        }
    }
}
