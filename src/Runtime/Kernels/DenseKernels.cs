using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>
/// A dense linear layer on the CPU with feature-major activations: <c>x[in, batch]</c>, <c>y[out, batch]</c>
/// (element (i,b) at <c>x[i*batch + b]</c>), row-major weights <c>W[out, in]</c>. <c>TShape</c>
/// is the layer's shape struct, so In and Out are JIT-time constants.
/// </summary>
public static class DenseKernels
{
    /// <summary><c>y[o,b] = Σ_i W[o,i]·x[i,b] + bias[o]</c> (no activation).</summary>
    /// <param name="w">Weights [Out, In].</param>
    /// <param name="bias">Bias [Out].</param>
    /// <param name="x">Input [In, batch].</param>
    /// <param name="y">Output [Out, batch], overwritten.</param>
    /// <param name="batch">Batch size (columns of x and y).</param>
    public static void Forward<TShape>(float[] w, float[] bias, float[] x, float[] y, int batch)
        where TShape : ILayerShape
    {
        int inputs = TShape.In, outputs = TShape.Out;
        Check(w, (long)outputs * inputs, nameof(w));
        Check(bias, outputs, nameof(bias));
        Check(x, (long)inputs * batch, nameof(x));
        Check(y, (long)outputs * batch, nameof(y));
        Gemm.MultiplyCore(false, false, outputs, batch, inputs, w, x, y, accumulate: false, rowBias: bias);
    }

    /// <summary>
    /// Gradients of the layer, overwritten (not accumulated):
    /// <c>dW[o,i] = Σ_b dy[o,b]·x[i,b]</c>, <c>db[o] = Σ_b dy[o,b]</c>, <c>dx[i,b] = Σ_o W[o,i]·dy[o,b]</c>.
    /// </summary>
    /// <param name="w">Weights [Out, In].</param>
    /// <param name="x">The forward input [In, batch].</param>
    /// <param name="dy">∂loss/∂y [Out, batch] (after the activation's derivative has been applied).</param>
    /// <param name="dW">∂loss/∂W [Out, In], overwritten.</param>
    /// <param name="db">∂loss/∂bias [Out], overwritten.</param>
    /// <param name="dx">∂loss/∂x [In, batch], overwritten; null skips it (the first layer).</param>
    /// <param name="batch">Batch size.</param>
    public static void Backward<TShape>(float[] w, float[] x, float[] dy, float[] dW, float[] db, float[]? dx, int batch)
        where TShape : ILayerShape
    {
        int inputs = TShape.In, outputs = TShape.Out;
        Check(w, (long)outputs * inputs, nameof(w));
        Check(x, (long)inputs * batch, nameof(x));
        Check(dy, (long)outputs * batch, nameof(dy));
        Check(dW, (long)outputs * inputs, nameof(dW));
        Check(db, outputs, nameof(db));
        Gemm.MultiplyCore(false, true, outputs, inputs, batch, dy, x, dW, accumulate: false, rowBias: null);
        RowSums(dy, db, outputs, batch);
        if (dx is not null)
        {
            Check(dx, (long)inputs * batch, nameof(dx));
            Gemm.MultiplyCore(true, false, inputs, batch, outputs, w, dy, dx, accumulate: false, rowBias: null);
        }
    }

    /// <summary><c>sums[r] = Σ_b m[r, b]</c> for a [rows, cols] row-major matrix.</summary>
    internal static void RowSums(float[] m, float[] sums, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            sums[r] = Sum(m.AsSpan(r * cols, cols));
        }
    }

    internal static float Sum(ReadOnlySpan<float> values)
    {
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && values.Length >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i <= values.Length - 16; i += 16)
            {
                acc += Vector512.Create(values.Slice(i, 16));
            }

            total = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= values.Length - 8; i += 8)
            {
                acc += Vector256.Create(values.Slice(i, 8));
            }

            total = Vector256.Sum(acc);
        }

        for (; i < values.Length; i++)
        {
            total += values[i];
        }

        return total;
    }

    internal static void Check(float[] array, long required, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        Gemm.CheckLength(array, required, name);
    }
}
