using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// Single weights as units — unstructured sparsity, and N:M (whose groups the mask updater keeps at N each) — stored
/// as CSR (<see cref="CsrMatrix"/>): SpMM forward, SDDMM dW, dX scattered row by row (no transpose map).
/// </summary>
public sealed class CsrFormat : WeightFormat
{
    /// <summary>The CSR matrix over <paramref name="matrix"/>.Values, which become this format's stored values.</summary>
    /// <param name="matrix">The active weights.</param>
    /// <param name="layout">Unstructured (the default) or N:M on the matrix's shape: units are single weights.</param>
    public CsrFormat(CsrMatrix matrix, UnitLayout? layout = null)
        : base(layout ?? UnitLayout.Unstructured(matrix.Rows, matrix.Cols), matrix.Values)
    {
        if (Layout.UnitSize != 1 || Layout.Rows != matrix.Rows || Layout.Cols != matrix.Cols)
        {
            throw new ArgumentException($"CSR stores single weights of a [{matrix.Rows}, {matrix.Cols}] matrix; got {Layout}", nameof(layout));
        }

        Matrix = matrix;
    }

    /// <summary>The CSR arrays; <see cref="CsrMatrix.Values"/> is <see cref="WeightFormat.Values"/>.</summary>
    public CsrMatrix Matrix { get; }

    public override bool IsDense => false;

    public override CsrMatrix AsCsr() => Matrix;

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

    /// <summary>The CSR format of sorted active <paramref name="units"/> of <paramref name="layout"/> over <paramref name="values"/> (one per unit).</summary>
    public static CsrFormat FromUnits(UnitLayout layout, int[] units, float[] values)
    {
        int rows = layout.Rows, cols = layout.Cols;
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

        return new CsrFormat(new CsrMatrix(rows, cols, rowPtr, colIdx, values), layout);
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
