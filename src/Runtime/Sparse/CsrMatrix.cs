using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// An unstructured sparse weight matrix [Rows, Cols] in compressed sparse row form. <see cref="Values"/> is the
/// trainable array (one entry per active weight, length nnz); optimizer state is kept parallel to it.
/// It holds no transpose: the CPU's <c>dX = Wᵀ·dY</c> scatters row by row (<see cref="CsrKernels"/>), and a backend
/// that gathers by column builds its own map with <see cref="Transpose"/>.
/// </summary>
public sealed class CsrMatrix
{
    /// <summary>Builds a matrix from its CSR arrays (taken, not copied).</summary>
    /// <param name="rows">Number of rows (outputs).</param>
    /// <param name="cols">Number of columns (inputs).</param>
    /// <param name="rowPtr">Length rows+1, non-decreasing, rowPtr[0] = 0, rowPtr[rows] = nnz.</param>
    /// <param name="colIdx">Length nnz; within each row strictly increasing, in [0, cols).</param>
    /// <param name="values">Length nnz; null allocates zeros.</param>
    public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[]? values = null)
        : this(rows, cols, rowPtr, colIdx, values, structureChecked: false)
    {
    }

    /// <summary>
    /// The matrix over arrays whose structure the caller has already checked when <paramref name="structureChecked"/>
    /// (<see cref="CsrFormat"/> builds them from ascending units, checking as it goes): the pass over every index is
    /// skipped, since it is a tenth of a topology update. Shapes and lengths are always checked.
    /// </summary>
    internal CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[]? values, bool structureChecked)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(rowPtr);
        ArgumentNullException.ThrowIfNull(colIdx);
        if (rowPtr.Length != rows + 1 || rowPtr[0] != 0 || rowPtr[rows] != colIdx.Length)
        {
            throw new ArgumentException($"rowPtr must have {rows + 1} entries from 0 to nnz = {colIdx.Length}.", nameof(rowPtr));
        }

        for (int r = 0; r < rows && !structureChecked; r++)
        {
            if (rowPtr[r + 1] < rowPtr[r])
            {
                throw new ArgumentException($"rowPtr decreases at row {r}.", nameof(rowPtr));
            }

            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++)
            {
                int c = colIdx[k];
                if ((uint)c >= (uint)cols || (k > rowPtr[r] && c <= colIdx[k - 1]))
                {
                    throw new ArgumentException($"Row {r}: column indices must be strictly increasing in [0, {cols}); found {c}.", nameof(colIdx));
                }
            }
        }

        values ??= new float[colIdx.Length];
        if (values.Length != colIdx.Length)
        {
            throw new ArgumentException($"values has {values.Length} entries; nnz is {colIdx.Length}.", nameof(values));
        }

        Rows = rows;
        Cols = cols;
        RowPtr = rowPtr;
        ColIdx = colIdx;
        Values = values;
    }

    /// <summary>
    /// Row pointers and column indices of the positions <c>row·cols + col</c> in <paramref name="positions"/>, which must
    /// ascend strictly in [0, rows·cols) (else an <see cref="ArgumentException"/> naming <c>units</c>): the structure of a
    /// CSR matrix, or of a block-CSR one over its grid of tiles. Ascending, each row's positions are a run, so there is
    /// no division per position, and the order is checked without a branch.
    /// </summary>
    internal static void IndexAscending(ReadOnlySpan<int> positions, int rows, int cols, int[] rowPtr, int[] colIdx)
    {
        int k = 0, previous = -1, descending = 0;
        rowPtr[0] = 0;
        for (int r = 0, start = 0; r < rows; r++, start += cols)
        {
            for (int end = start + cols; k < positions.Length && positions[k] < end; k++)
            {
                int position = positions[k];
                descending |= ~Branchless.NegativeMask(previous - position); // position <= previous
                previous = position;
                colIdx[k] = position - start;
            }

            rowPtr[r + 1] = k;
        }

        // Ascending, at or above 0 and every one placed below the last row's end: every column is in range and strictly
        // increasing within its row.
        if (k != positions.Length || descending != 0 || (positions.Length > 0 && positions[0] < 0))
        {
            throw new ArgumentException($"units must ascend strictly in [0, {(long)rows * cols})", "units");
        }
    }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Row r's active weights are positions [RowPtr[r], RowPtr[r+1]) of <see cref="ColIdx"/> and <see cref="Values"/>.</summary>
    public int[] RowPtr { get; }

    /// <summary>Column of each active weight; sorted within a row.</summary>
    public int[] ColIdx { get; }

    /// <summary>The trainable values, one per active weight (length <see cref="Nnz"/>).</summary>
    public float[] Values { get; }

    /// <summary>Number of active (stored) weights.</summary>
    public int Nnz => ColIdx.Length;

    /// <summary>Fraction of stored weights: nnz / (Rows·Cols).</summary>
    public double Density => Rows == 0 || Cols == 0 ? 0 : (double)Nnz / ((long)Rows * Cols);

    /// <summary>The transpose map of the current topology, computed now (not kept: rebuild it after a topology change).</summary>
    public CsrTransposeMap Transpose() => new(this);

    /// <summary>
    /// A mask of exactly <paramref name="nnz"/> distinct positions drawn uniformly from the Rows·Cols grid
    /// (selection sampling, so the result is sorted); values are zero. The same seed gives the same mask.
    /// </summary>
    public static CsrMatrix RandomMask(int rows, int cols, long nnz, Random rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(rng);
        long total = (long)rows * cols;
        if (nnz < 0 || nnz > total || nnz > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(nnz), nnz, $"Must be in [0, {Math.Min(total, Array.MaxLength)}].");
        }

        var rowPtr = new int[rows + 1];
        var colIdx = new int[nnz];
        long needed = nnz;
        int filled = 0;

        // Knuth's Algorithm S: position t is selected with probability needed / (total - t).
        for (long t = 0; t < total && needed > 0; t++)
        {
            if ((total - t) * rng.NextDouble() < needed)
            {
                int r = (int)(t / cols);
                colIdx[filled++] = (int)(t % cols);
                rowPtr[r + 1]++;
                needed--;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            rowPtr[r + 1] += rowPtr[r];
        }

        return new CsrMatrix(rows, cols, rowPtr, colIdx);
    }

    /// <summary>The nonzeros of a dense row-major [rows, cols] matrix, with their values.</summary>
    public static CsrMatrix FromDense(float[] dense, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(dense);
        if (dense.Length < (long)rows * cols)
        {
            throw new ArgumentException($"dense has {dense.Length} elements; {rows}×{cols} needs {(long)rows * cols}.", nameof(dense));
        }

        var rowPtr = new int[rows + 1];
        var columns = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                float v = dense[(long)r * cols + c];
                if (v != 0f)
                {
                    columns.Add(c);
                    values.Add(v);
                }
            }

            rowPtr[r + 1] = columns.Count;
        }

        return new CsrMatrix(rows, cols, rowPtr, columns.ToArray(), values.ToArray());
    }

    /// <summary>The dense row-major [Rows, Cols] matrix, zeros off the mask.</summary>
    public float[] ToDense()
    {
        var dense = new float[(long)Rows * Cols];
        for (int r = 0; r < Rows; r++)
        {
            for (int k = RowPtr[r]; k < RowPtr[r + 1]; k++)
            {
                dense[(long)r * Cols + ColIdx[k]] = Values[k];
            }
        }

        return dense;
    }
}
