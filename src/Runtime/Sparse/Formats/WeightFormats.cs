using SparseDsl.Language;

namespace SparseDsl.Sparse;

/// <summary>The one place that decides how a weight with a given set of active units is stored.</summary>
public static class WeightFormats
{
    /// <summary>
    /// The format of the sorted active <paramref name="units"/> of <paramref name="layout"/> over <paramref name="values"/>
    /// (units stored whole, in order): dense when every unit is active and unit order is row-major order (the
    /// GEMM kernels are fastest there), else the pattern's sparse format: CSR for unstructured, <see cref="NOfMFormat"/> for
    /// N:M with every group full (CSR on a machine without AVX-512, where its kernels have no vector path, and for a
    /// group short of N, which only a caller building units by hand produces), block-CSR for blocks and for rows (a row
    /// is a 1 × Cols tile). Block layers are block-CSR even with every tile active: their values are tile-major, which is
    /// not the dense kernels' row-major order.
    /// </summary>
    public static WeightFormat Create(UnitLayout layout, ReadOnlySpan<int> units, float[] values) => Create(layout, units, values, null);

    /// <summary>
    /// <see cref="Create(UnitLayout, ReadOnlySpan{int}, float[])"/> for a format that replaces <paramref name="replaced"/>,
    /// whose index arrays the new one may take over when they have the right length (a topology change that keeps the
    /// count); <paramref name="replaced"/> must not be used afterwards.
    /// </summary>
    internal static WeightFormat Create(UnitLayout layout, ReadOnlySpan<int> units, float[] values, WeightFormat? replaced)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(values);
        if ((long)units.Length * layout.UnitSize != values.Length)
        {
            throw new ArgumentException($"{units.Length} units of {layout.UnitSize} weights need {(long)units.Length * layout.UnitSize} values, not {values.Length}", nameof(values));
        }

        if (units.Length == layout.UnitCount && layout.UnitHeight == 1)
        {
            return new DenseFormat(layout, values);
        }

        return layout.Pattern switch
        {
            PatternKind.Unstructured => CsrFormat.FromUnits(layout, units, values, replaced as CsrFormat),
            PatternKind.NOfM => (NOfMKernels.BestPath == VectorPath.Vector512 ? NOfMFormat.TryFromUnits(layout, units, values) : null)
                ?? (WeightFormat)CsrFormat.FromUnits(layout, units, values, replaced as CsrFormat),

            // Rows are 1 × Cols tiles.
            PatternKind.Block or PatternKind.Rows => BlockCsrFormat.FromUnits(layout, units, values),
            _ => throw new NotSupportedException($"pattern {layout.Pattern} has no storage format in this version yet"),
        };
    }
}
