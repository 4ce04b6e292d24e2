using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// N:M sparsity with every group full: in each group of M consecutive inputs of a row exactly N weights are active.
/// Every row then holds the same count, <c>RowValues = (Cols / M)·N</c>, so nothing locates a row (no row pointer):
/// row o's weights are <c>Values[o·RowValues ..]</c>, group g's N of them at <c>o·RowValues + g·N</c>, each with its
/// position inside the group (<see cref="Slots"/>, one byte, ascending). That is CSR order, so the values are also the
/// values of <see cref="AsCsr"/>. Because a group's weights sit at a fixed place, the kernels (<see cref="NOfMKernels"/>)
/// walk a block of groups of every row while that block's activations stay in L1 (forward); the backward (dW, dX) reads
/// them through <see cref="NOfMPairMap"/>, with no atomics.
/// </summary>
public sealed class NOfMFormat : WeightFormat
{
    private CsrMatrix? csr;

    private NOfMFormat(UnitLayout layout, byte[] slots, float[] values)
        : base(layout, values)
    {
        Slots = slots;
        Pairs = NOfMPairMap.Build(layout, slots);
    }

    /// <summary>N: active weights per group.</summary>
    public int N => Layout.GroupActive;

    /// <summary>M: inputs per group.</summary>
    public int M => Layout.GroupSize;

    /// <summary>Groups per row.</summary>
    public int Groups => Cols / M;

    /// <summary>Stored weights per row.</summary>
    public int RowValues => Groups * N;

    /// <summary>Each stored weight's input within its group, in [0, M), strictly ascending within a group.</summary>
    public byte[] Slots { get; }

    /// <summary>How the backward reads the weights: pairs of one row's weights in a group, sorted by the inputs they read.</summary>
    internal NOfMPairMap Pairs { get; }

    public override bool IsDense => false;

    /// <summary>
    /// The N:M format of sorted active <paramref name="units"/> of an N:M <paramref name="layout"/> over
    /// <paramref name="values"/>, or null when some group does not hold exactly N (then CSR stores it).
    /// </summary>
    public static NOfMFormat? TryFromUnits(UnitLayout layout, ReadOnlySpan<int> units, float[] values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!layout.HasGroups || layout.UnitSize != 1 || layout.GroupSize > byte.MaxValue + 1
            || units.Length != (long)layout.GroupCount * layout.GroupActive || values.Length != units.Length)
        {
            return null;
        }

        int n = layout.GroupActive, m = layout.GroupSize;
        var slots = new byte[units.Length];
        for (int k = 0; k < units.Length; k++)
        {
            // Units ascend, so the k-th belongs to group k / N exactly when every group holds N of them.
            if (units[k] / m != k / n)
            {
                return null;
            }

            slots[k] = (byte)(units[k] % m);
        }

        return new NOfMFormat(layout, slots, values);
    }

    /// <summary>Unit = position <c>row·Cols + col</c>; storage order is ascending unit order.</summary>
    public override void WriteActiveUnits(Span<int> units)
    {
        int n = N, m = M;
        for (int k = 0; k < Slots.Length; k++)
        {
            // Group k / N of the whole matrix starts at unit (k / N)·M, since Cols is a multiple of M.
            units[k] = k / n * m + Slots[k];
        }
    }

    /// <summary>The same weights as CSR over the same values array (for the device backends, which run N:M as CSR).</summary>
    public override CsrMatrix AsCsr()
    {
        if (csr is null)
        {
            int[] units = ActiveUnits();
            var rowPtr = new int[Rows + 1];
            var colIdx = new int[units.Length];
            for (int r = 0; r <= Rows; r++)
            {
                rowPtr[r] = r * RowValues;
            }

            for (int k = 0; k < units.Length; k++)
            {
                colIdx[k] = units[k] % Cols;
            }

            csr = new CsrMatrix(Rows, Cols, rowPtr, colIdx, Values);
        }

        return csr;
    }

    public override void Forward<TShape>(float[] bias, float[] x, float[] y, int batch) =>
        NOfMKernels.Forward<TShape>(this, bias, x, y, batch, NOfMKernels.BestPath);

    public override void Backward<TShape>(float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch) =>
        NOfMKernels.Backward<TShape>(this, x, dz, dValues, db, dx, batch, NOfMKernels.BestPath);

    public override void Scatter(ReadOnlySpan<float> values, Span<float> dense)
    {
        int n = N, m = M;
        for (int k = 0; k < Slots.Length; k++)
        {
            dense[k / n * m + Slots[k]] = values[k];
        }
    }
}
