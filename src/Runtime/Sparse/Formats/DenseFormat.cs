using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>Every weight stored: W[Rows, Cols] row-major, tiled GEMM forward and backward.</summary>
public sealed class DenseFormat : WeightFormat
{
    public DenseFormat(UnitLayout layout, float[] values)
        : base(layout, values)
    {
        if (values.Length != (long)layout.Rows * layout.Cols)
        {
            throw new ArgumentException($"a dense [{layout.Rows}, {layout.Cols}] weight stores {(long)layout.Rows * layout.Cols} values, not {values.Length}", nameof(values));
        }
    }

    public override bool IsDense => true;

    public override void WriteActiveUnits(Span<int> units)
    {
        for (int u = 0; u < ActiveUnitCount; u++)
        {
            units[u] = u;
        }
    }

    public override void Forward<TShape>(float[] bias, float[] x, float[] y, int batch) =>
        DenseKernels.Forward<TShape>(Values, bias, x, y, batch);

    public override void Backward<TShape>(float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch) =>
        DenseKernels.Backward<TShape>(Values, x, dz, dValues, db, dx, batch);

    public override void Scatter(ReadOnlySpan<float> values, Span<float> dense) => values.CopyTo(dense);
}
