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
    public override void WriteActiveUnits(Span<int> units)
    {
        int[] rowPtr = Matrix.RowPtr, colIdx = Matrix.ColIdx;
        for (int r = 0, start = 0; r < Rows; r++, start += Cols)
        {
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++)
            {
                units[k] = start + colIdx[k];
            }
        }
    }

    /// <summary>The CSR format of sorted active <paramref name="units"/> of <paramref name="layout"/> over <paramref name="values"/> (one per unit).</summary>
    public static CsrFormat FromUnits(UnitLayout layout, ReadOnlySpan<int> units, float[] values) => FromUnits(layout, units, values, null);

    /// <summary>
    /// <see cref="FromUnits(UnitLayout, ReadOnlySpan{int}, float[])"/>, taking over <paramref name="replaced"/>'s index
    /// arrays when they have the right length (it must not be used afterwards).
    /// </summary>
    internal static CsrFormat FromUnits(UnitLayout layout, ReadOnlySpan<int> units, float[] values, CsrFormat? replaced)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int rows = layout.Rows, cols = layout.Cols;
        int[] rowPtr = replaced?.Matrix.RowPtr is { } oldRowPtr && oldRowPtr.Length == rows + 1 ? oldRowPtr : new int[rows + 1];
        int[] colIdx = replaced?.Matrix.ColIdx is { } oldColIdx && oldColIdx.Length == units.Length ? oldColIdx : new int[units.Length];

        CsrMatrix.IndexAscending(units, rows, cols, rowPtr, colIdx);
        return new CsrFormat(new CsrMatrix(rows, cols, rowPtr, colIdx, values, structureChecked: true), layout);
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
