using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>
/// The per-token primitives: with feature-major activations a feature row holds neighbouring tokens, so a reduction
/// over features for many tokens at once is a sum of rows, lanes = tokens. The spans are slices of one block of
/// tokens (a feature row, or a per-token statistic such as the mean).
/// </summary>
internal static partial class Lanes
{
    /// <summary><c>dst[n] = max(dst[n], src[n])</c>.</summary>
    internal static void MaxInto(Span<float> dst, ReadOnlySpan<float> src)
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
                Vector512.Max(Vector512.LoadUnsafe(ref d, (nuint)i), Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector256.Max(Vector256.LoadUnsafe(ref d, (nuint)i), Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = MathF.Max(Unsafe.Add(ref d, i), Unsafe.Add(ref s, i));
        }
    }

    /// <summary>
    /// <c>sum[n] += exp(row[n] − shift[n])</c>, and when <paramref name="store"/> also <c>row[n] = exp(row[n] − shift[n])</c>
    /// (one class's softmax numerators for a block of tokens).
    /// </summary>
    internal static void AddExpShifted(Span<float> sum, Span<float> row, ReadOnlySpan<float> shift, bool store)
    {
        int n = sum.Length;
        row = row[..n];
        shift = shift[..n];
        ref float acc = ref MemoryMarshal.GetReference(sum);
        ref float r = ref MemoryMarshal.GetReference(row);
        ref float m = ref MemoryMarshal.GetReference(shift);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var e = Vector512.Exp(Vector512.LoadUnsafe(ref r, (nuint)i) - Vector512.LoadUnsafe(ref m, (nuint)i));
                (Vector512.LoadUnsafe(ref acc, (nuint)i) + e).StoreUnsafe(ref acc, (nuint)i);
                if (store)
                {
                    e.StoreUnsafe(ref r, (nuint)i);
                }
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var e = Vector256.Exp(Vector256.LoadUnsafe(ref r, (nuint)i) - Vector256.LoadUnsafe(ref m, (nuint)i));
                (Vector256.LoadUnsafe(ref acc, (nuint)i) + e).StoreUnsafe(ref acc, (nuint)i);
                if (store)
                {
                    e.StoreUnsafe(ref r, (nuint)i);
                }
            }
        }

        for (; i < n; i++)
        {
            float e = MathF.Exp(Unsafe.Add(ref r, i) - Unsafe.Add(ref m, i));
            Unsafe.Add(ref acc, i) += e;
            if (store)
            {
                Unsafe.Add(ref r, i) = e;
            }
        }
    }

    /// <summary><c>acc[n] += (x[n] − mean[n])²</c>.</summary>
    internal static void AddSquaredDifference(Span<float> acc, ReadOnlySpan<float> x, ReadOnlySpan<float> mean)
    {
        int n = acc.Length;
        x = x[..n];
        mean = mean[..n];
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float m = ref MemoryMarshal.GetReference(mean);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var d = Vector512.LoadUnsafe(ref xr, (nuint)i) - Vector512.LoadUnsafe(ref m, (nuint)i);
                Vector512.FusedMultiplyAdd(d, d, Vector512.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var d = Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref m, (nuint)i);
                Vector256.FusedMultiplyAdd(d, d, Vector256.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref xr, i) - Unsafe.Add(ref m, i);
            Unsafe.Add(ref a, i) = MathF.FusedMultiplyAdd(d, d, Unsafe.Add(ref a, i));
        }
    }

    /// <summary><c>acc[n] = 1 / √(acc[n]·scale + epsilon)</c> (a sum of squares into the reciprocal standard deviation).</summary>
    internal static void ReciprocalSqrt(Span<float> acc, float scale, float epsilon)
    {
        int n = acc.Length;
        ref float a = ref MemoryMarshal.GetReference(acc);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.Create(scale), Vector512.Create(epsilon));
                (Vector512<float>.One / Vector512.Sqrt(v)).StoreUnsafe(ref a, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.Create(scale), Vector256.Create(epsilon));
                (Vector256<float>.One / Vector256.Sqrt(v)).StoreUnsafe(ref a, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) = 1f / MathF.Sqrt(MathF.FusedMultiplyAdd(Unsafe.Add(ref a, i), scale, epsilon));
        }
    }

    /// <summary><c>y[n] = (x[n] − mean[n])·rstd[n]·gain + bias</c>.</summary>
    internal static void NormalizeAffine(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, float gain, float bias)
    {
        int n = y.Length;
        x = x[..n];
        mean = mean[..n];
        rstd = rstd[..n];
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float m = ref MemoryMarshal.GetReference(mean);
        ref float r = ref MemoryMarshal.GetReference(rstd);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var xhat = (Vector512.LoadUnsafe(ref xr, (nuint)i) - Vector512.LoadUnsafe(ref m, (nuint)i)) * Vector512.LoadUnsafe(ref r, (nuint)i);
                Vector512.FusedMultiplyAdd(xhat, Vector512.Create(gain), Vector512.Create(bias)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var xhat = (Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref m, (nuint)i)) * Vector256.LoadUnsafe(ref r, (nuint)i);
                Vector256.FusedMultiplyAdd(xhat, Vector256.Create(gain), Vector256.Create(bias)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float xhat = (Unsafe.Add(ref xr, i) - Unsafe.Add(ref m, i)) * Unsafe.Add(ref r, i);
            Unsafe.Add(ref yr, i) = MathF.FusedMultiplyAdd(xhat, gain, bias);
        }
    }

    /// <summary><c>acc[n] += gain·dy[n]·(x[n] − mean[n])</c>.</summary>
    internal static void AddCenteredProduct(Span<float> acc, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, float gain)
    {
        int n = acc.Length;
        dy = dy[..n];
        x = x[..n];
        mean = mean[..n];
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float g = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float m = ref MemoryMarshal.GetReference(mean);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var gdy = Vector512.LoadUnsafe(ref g, (nuint)i) * gain;
                var centered = Vector512.LoadUnsafe(ref xr, (nuint)i) - Vector512.LoadUnsafe(ref m, (nuint)i);
                Vector512.FusedMultiplyAdd(gdy, centered, Vector512.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var gdy = Vector256.LoadUnsafe(ref g, (nuint)i) * gain;
                var centered = Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref m, (nuint)i);
                Vector256.FusedMultiplyAdd(gdy, centered, Vector256.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float gdy = Unsafe.Add(ref g, i) * gain;
            Unsafe.Add(ref a, i) = MathF.FusedMultiplyAdd(gdy, Unsafe.Add(ref xr, i) - Unsafe.Add(ref m, i), Unsafe.Add(ref a, i));
        }
    }

    /// <summary>
    /// The input gradient of a normalization for one feature row of a token block:
    /// <c>v[n] = rstd[n]·(gain·dy[n] − a[n] − (x[n] − mean[n])·rstd[n]·c[n])</c>, then <c>dx[n] = v[n]</c> or
    /// <c>dx[n] += v[n]</c> when <paramref name="accumulate"/>; a = mean over features of gain·dy, c = mean over
    /// features of gain·dy·x̂ (RMSNorm passes a = 0 and mean = 0).
    /// </summary>
    internal static void NormInputGradient(
        Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd,
        ReadOnlySpan<float> a, ReadOnlySpan<float> c, float gain, bool accumulate)
    {
        int n = dx.Length;
        dy = dy[..n];
        x = x[..n];
        mean = mean[..n];
        rstd = rstd[..n];
        a = a[..n];
        c = c[..n];
        ref float o = ref MemoryMarshal.GetReference(dx);
        ref float g = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float m = ref MemoryMarshal.GetReference(mean);
        ref float r = ref MemoryMarshal.GetReference(rstd);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float cr = ref MemoryMarshal.GetReference(c);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var rs = Vector512.LoadUnsafe(ref r, (nuint)i);
                var xhat = (Vector512.LoadUnsafe(ref xr, (nuint)i) - Vector512.LoadUnsafe(ref m, (nuint)i)) * rs;
                var inner = Vector512.LoadUnsafe(ref g, (nuint)i) * gain - Vector512.LoadUnsafe(ref ar, (nuint)i) - xhat * Vector512.LoadUnsafe(ref cr, (nuint)i);
                var v = rs * inner;
                (accumulate ? Vector512.LoadUnsafe(ref o, (nuint)i) + v : v).StoreUnsafe(ref o, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var rs = Vector256.LoadUnsafe(ref r, (nuint)i);
                var xhat = (Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref m, (nuint)i)) * rs;
                var inner = Vector256.LoadUnsafe(ref g, (nuint)i) * gain - Vector256.LoadUnsafe(ref ar, (nuint)i) - xhat * Vector256.LoadUnsafe(ref cr, (nuint)i);
                var v = rs * inner;
                (accumulate ? Vector256.LoadUnsafe(ref o, (nuint)i) + v : v).StoreUnsafe(ref o, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float rs = Unsafe.Add(ref r, i);
            float xhat = (Unsafe.Add(ref xr, i) - Unsafe.Add(ref m, i)) * rs;
            float v = rs * (Unsafe.Add(ref g, i) * gain - Unsafe.Add(ref ar, i) - xhat * Unsafe.Add(ref cr, i));
            Unsafe.Add(ref o, i) = accumulate ? Unsafe.Add(ref o, i) + v : v;
        }
    }

    /// <summary>
    /// <c>Σ_n dy[n]·(x[n] − mean[n])·rstd[n]</c>: one feature's gain gradient. An empty <paramref name="mean"/> means
    /// mean 0 (RMSNorm).
    /// </summary>
    internal static float DotNormalized(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd)
    {
        int n = dy.Length;
        bool centered = !mean.IsEmpty;
        x = x[..n];
        rstd = rstd[..n];
        mean = centered ? mean[..n] : default;
        ref float g = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float m = ref MemoryMarshal.GetReference(mean);
        ref float r = ref MemoryMarshal.GetReference(rstd);
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var xv = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var centeredX = centered ? xv - Vector512.LoadUnsafe(ref m, (nuint)i) : xv;
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref g, (nuint)i), centeredX * Vector512.LoadUnsafe(ref r, (nuint)i), acc);
            }

            total = Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var xv = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var centeredX = centered ? xv - Vector256.LoadUnsafe(ref m, (nuint)i) : xv;
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref g, (nuint)i), centeredX * Vector256.LoadUnsafe(ref r, (nuint)i), acc);
            }

            total += Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            float centeredX = centered ? Unsafe.Add(ref xr, i) - Unsafe.Add(ref m, i) : Unsafe.Add(ref xr, i);
            total += Unsafe.Add(ref g, i) * centeredX * Unsafe.Add(ref r, i);
        }

        return total;
    }
}
