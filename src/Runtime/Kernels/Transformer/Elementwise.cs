using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>What the element-wise kernels share: how they split work, their checks, and the vector tanh.</summary>
internal static class Elementwise
{
    /// <summary>Runs <paramref name="body"/> over [0, count) in one piece below 2^15 elements, else in one range per core.</summary>
    internal static void Run(int count, Action<int, int> body)
    {
        if (count == 0)
        {
            return;
        }

        Workers.ForRange(count, count < 1 << 15 ? 1 : Workers.Count, body);
    }

    /// <summary>Throws unless count ≥ 0 and every array holds at least count elements.</summary>
    internal static void Check(int count, params ReadOnlySpan<(float[] Array, string Name)> arrays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        foreach (var (array, name) in arrays)
        {
            DenseKernels.Check(array, count, name);
        }
    }

    /// <summary>tanh(u) = sign(u)·(1 − e)/(1 + e), e = exp(−2|u|) ∈ (0, 1]: never overflows; absolute error ~1e-7.</summary>
    internal static Vector512<float> Tanh(Vector512<float> u)
    {
        var e = Vector512.Exp(Vector512.Abs(u) * -2f);
        return Vector512.CopySign((Vector512<float>.One - e) / (Vector512<float>.One + e), u);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    internal static Vector256<float> Tanh(Vector256<float> u)
    {
        var e = Vector256.Exp(Vector256.Abs(u) * -2f);
        return Vector256.CopySign((Vector256<float>.One - e) / (Vector256<float>.One + e), u);
    }
}
