using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// How one weight [Rows, Cols] is stored: its topology (which units of its <see cref="UnitLayout"/> are active) and its
/// CPU kernels. A format is bound to the stored values array it was built over; <see cref="SparseWeight"/> (the one
/// owner of the values, gradient and optimizer state) builds a new format after every topology change, so no format
/// outlives the values it reads. Activations are feature-major (<c>x[in, batch]</c>); <c>TShape</c>
/// on the kernels bakes In = Cols and Out = Rows into the JIT's code.
/// </summary>
public abstract class WeightFormat(UnitLayout layout, float[] values)
{
    /// <summary>The pattern's units on this weight.</summary>
    public UnitLayout Layout { get; } = layout;

    public int Rows => Layout.Rows;

    public int Cols => Layout.Cols;

    /// <summary>The stored values (the owning weight's parameter values), active units in ascending order.</summary>
    public float[] Values { get; } = values;

    /// <summary>Number of stored values.</summary>
    public int StoredValues => Values.Length;

    /// <summary>Stored values over the dense size.</summary>
    public double Density => Rows == 0 || Cols == 0 ? 0 : (double)StoredValues / ((long)Rows * Cols);

    /// <summary>Whether every unit is active (a dense format): a topology change then has nothing to keep sorted apart.</summary>
    public abstract bool IsDense { get; }

    /// <summary>Number of active units (stored values over the unit size).</summary>
    public int ActiveUnitCount => StoredValues / Layout.UnitSize;

    /// <summary>The active units in ascending number: the order in which <see cref="Values"/> holds them.</summary>
    public int[] ActiveUnits()
    {
        var units = new int[ActiveUnitCount];
        WriteActiveUnits(units);
        return units;
    }

    /// <summary><see cref="ActiveUnits"/> into the first <see cref="ActiveUnitCount"/> entries of <paramref name="units"/>.</summary>
    public abstract void WriteActiveUnits(Span<int> units);

    /// <summary><c>y[o,b] = Σ_i W[o,i]·x[i,b] + bias[o]</c> over the stored weights (no activation).</summary>
    public abstract void Forward<TShape>(float[] bias, float[] x, float[] y, int batch)
        where TShape : ILayerShape;

    /// <summary>
    /// Gradients, overwritten: dValues at the stored positions only, db, and dx (<c>Wᵀ·dz</c>) unless null.
    /// <paramref name="dz"/> is ∂loss/∂(pre-activation) [Rows, batch].
    /// </summary>
    public abstract void Backward<TShape>(float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch)
        where TShape : ILayerShape;

    /// <summary>
    /// The weights as CSR over <see cref="Values"/> (same order) for the backends that run single-weight patterns as CSR
    /// (the device); null for formats whose units are not single weights, and for dense.
    /// </summary>
    public virtual CsrMatrix? AsCsr() => null;

    /// <summary>Writes <paramref name="values"/> (parallel to <see cref="Values"/>) into dense [Rows, Cols], zeros elsewhere.</summary>
    public abstract void Scatter(ReadOnlySpan<float> values, Span<float> dense);

    /// <summary>A dense [Rows, Cols] copy of the weights.</summary>
    public float[] ToDense()
    {
        var dense = new float[(long)Rows * Cols];
        Scatter(Values, dense);
        return dense;
    }
}
