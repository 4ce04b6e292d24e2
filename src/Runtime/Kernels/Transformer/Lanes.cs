using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>
/// The vectorized span primitives the transformer kernels are written in: each runs 16 lanes at a time with
/// <c>Vector512</c> where it is accelerated, then 8 with <c>Vector256</c>, then a scalar tail, so every length is
/// handled and every tier is reached by some length. All spans are read over the first span's length; a shorter
/// second span throws (it is sliced to that length before any unchecked load).
/// </summary>
/// <remarks>
/// Two kinds of callers: per-row work of attention (lanes = key positions of one row of scores) and per-token
/// reductions of feature-major activations (lanes = neighbouring tokens of one feature row).
/// </remarks>
internal static partial class Lanes
{
    /// <summary><c>dst[i] += src[i]</c>.</summary>
    internal static void Add(Span<float> dst, ReadOnlySpan<float> src)
    {
        int n = dst.Length;
        src = src[..n];
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref float s = ref MemoryMarshal.GetReference(src);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref d, (nuint)i) + Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref d, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
        }
    }

    /// <summary><c>dst[i] += scale · src[i]</c> (axpy).</summary>
    internal static void MultiplyAdd(Span<float> dst, ReadOnlySpan<float> src, float scale)
    {
        int n = dst.Length;
        src = src[..n];
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref float s = ref MemoryMarshal.GetReference(src);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(scale);
            for (; i <= n - 16; i += 16)
            {
                Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref s, (nuint)i), Vector512.LoadUnsafe(ref d, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(scale);
            for (; i <= n - 8; i += 8)
            {
                Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref s, (nuint)i), Vector256.LoadUnsafe(ref d, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = MathF.FusedMultiplyAdd(scale, Unsafe.Add(ref s, i), Unsafe.Add(ref d, i));
        }
    }

    /// <summary><c>dst[i] *= scale</c>.</summary>
    internal static void Scale(Span<float> dst, float scale)
    {
        int n = dst.Length;
        ref float d = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref d, (nuint)i) * scale).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref d, (nuint)i) * scale).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) *= scale;
        }
    }

    /// <summary><c>dst[i] *= src[i]</c>.</summary>
    internal static void Multiply(Span<float> dst, ReadOnlySpan<float> src)
    {
        int n = dst.Length;
        src = src[..n];
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref float s = ref MemoryMarshal.GetReference(src);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref d, (nuint)i) * Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref d, (nuint)i) * Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) *= Unsafe.Add(ref s, i);
        }
    }

    /// <summary><c>Σ_i a[i]·b[i]</c>.</summary>
    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        b = b[..n];
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), acc);
            }

            total = Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), acc);
            }

            total += Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            total = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i), total);
        }

        return total;
    }

    /// <summary><c>max_i a[i]</c>; −∞ for an empty span.</summary>
    internal static float Max(ReadOnlySpan<float> a)
    {
        int n = a.Length;
        ref float x = ref MemoryMarshal.GetReference(a);
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - 16; i += 16)
            {
                acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref x, (nuint)i));
            }

            max = HorizontalMax(acc.GetLower(), acc.GetUpper());
        }

        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var acc = Vector256.Create(max);
            for (; i <= n - 8; i += 8)
            {
                acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref x, (nuint)i));
            }

            max = HorizontalMax(acc, acc);
        }

        for (; i < n; i++)
        {
            max = MathF.Max(max, Unsafe.Add(ref x, i));
        }

        return max;
    }

    private static float HorizontalMax(Vector256<float> a, Vector256<float> b)
    {
        Vector256<float> m = Vector256.Max(a, b);
        Vector128<float> h = Vector128.Max(m.GetLower(), m.GetUpper());
        return MathF.Max(MathF.Max(h[0], h[1]), MathF.Max(h[2], h[3]));
    }

    /// <summary><c>row[i] = exp(row[i] − shift)</c>, returning <c>Σ_i row[i]</c> (the softmax's numerators and denominator).</summary>
    internal static float ExpShifted(Span<float> row, float shift)
    {
        int n = row.Length;
        ref float r = ref MemoryMarshal.GetReference(row);
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var e = Vector512.Exp(Vector512.LoadUnsafe(ref r, (nuint)i) - Vector512.Create(shift));
                e.StoreUnsafe(ref r, (nuint)i);
                acc += e;
            }

            total = Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var e = Vector256.Exp(Vector256.LoadUnsafe(ref r, (nuint)i) - Vector256.Create(shift));
                e.StoreUnsafe(ref r, (nuint)i);
                acc += e;
            }

            total += Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            float e = MathF.Exp(Unsafe.Add(ref r, i) - shift);
            Unsafe.Add(ref r, i) = e;
            total += e;
        }

        return total;
    }

    /// <summary>
    /// The softmax's backward for one row: <c>dp[i] = p[i]·(dp[i] − c)</c> with <c>c = Σ_j p[j]·dp[j]</c> given,
    /// turning ∂loss/∂probabilities into ∂loss/∂scores.
    /// </summary>
    internal static void SoftmaxGradient(Span<float> dp, ReadOnlySpan<float> p, float c)
    {
        int n = dp.Length;
        p = p[..n];
        ref float d = ref MemoryMarshal.GetReference(dp);
        ref float s = ref MemoryMarshal.GetReference(p);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var cv = Vector512.Create(c);
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref s, (nuint)i) * (Vector512.LoadUnsafe(ref d, (nuint)i) - cv)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var cv = Vector256.Create(c);
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)i) * (Vector256.LoadUnsafe(ref d, (nuint)i) - cv)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i) * (Unsafe.Add(ref d, i) - c);
        }
    }
}
