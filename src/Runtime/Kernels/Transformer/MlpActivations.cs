using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>
/// GELU with the tanh approximation (GPT-2's): <c>y = ½·x·(1 + tanh(u))</c>, <c>u = √(2/π)·(x + 0.044715·x³)</c>;
/// element-wise over any layout (the MLP's hidden activations [hidden, tokens]), split across cores when large.
/// </summary>
public static class Gelu
{
    internal const float Sqrt2OverPi = 0.7978845608028654f;
    internal const float Cubic = 0.044715f;

    /// <summary><c>y[i] = gelu(x[i])</c> for i &lt; count.</summary>
    /// <param name="x">Pre-activation, kept for <see cref="Backward"/>.</param>
    /// <param name="y">Output, overwritten; may be the same array as <paramref name="x"/> (x is then lost for the backward pass).</param>
    /// <param name="count">Elements.</param>
    public static void Forward(float[] x, float[] y, int count)
    {
        Elementwise.Check(count, (x, nameof(x)), (y, nameof(y)));
        Elementwise.Run(count, (start, end) =>
        {
            ReadOnlySpan<float> xs = x.AsSpan(start, end - start);
            Span<float> ys = y.AsSpan(start, end - start);
            ref float xr = ref MemoryMarshal.GetReference(xs);
            ref float yr = ref MemoryMarshal.GetReference(ys);
            int n = xs.Length, i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                    var t = Elementwise.Tanh(v * Sqrt2OverPi * (Vector512<float>.One + Cubic * v * v));
                    (0.5f * v * (Vector512<float>.One + t)).StoreUnsafe(ref yr, (nuint)i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - 8; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                    var t = Elementwise.Tanh(v * Sqrt2OverPi * (Vector256<float>.One + Cubic * v * v));
                    (0.5f * v * (Vector256<float>.One + t)).StoreUnsafe(ref yr, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                float v = Unsafe.Add(ref xr, i);
                float t = MathF.Tanh(v * Sqrt2OverPi * (1f + Cubic * v * v));
                Unsafe.Add(ref yr, i) = 0.5f * v * (1f + t);
            }
        });
    }

    /// <summary>
    /// <c>dx[i] = dy[i]·(½(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²))</c> with <c>t = tanh(u(x[i]))</c>.
    /// </summary>
    /// <param name="x">The forward pre-activation.</param>
    /// <param name="dy">∂loss/∂y.</param>
    /// <param name="dx">∂loss/∂x, overwritten; may be the same array as <paramref name="dy"/>.</param>
    /// <param name="count">Elements.</param>
    public static void Backward(float[] x, float[] dy, float[] dx, int count)
    {
        Elementwise.Check(count, (x, nameof(x)), (dy, nameof(dy)), (dx, nameof(dx)));
        Elementwise.Run(count, (start, end) =>
        {
            int n = end - start, i = 0;
            ref float xr = ref MemoryMarshal.GetReference(x.AsSpan(start, n));
            ref float gr = ref MemoryMarshal.GetReference(dy.AsSpan(start, n));
            ref float dr = ref MemoryMarshal.GetReference(dx.AsSpan(start, n));
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                    var v2 = v * v;
                    var t = Elementwise.Tanh(v * Sqrt2OverPi * (Vector512<float>.One + Cubic * v2));
                    var du = Sqrt2OverPi * (Vector512<float>.One + (3f * Cubic) * v2);
                    var local = 0.5f * (Vector512<float>.One + t) + 0.5f * v * (Vector512<float>.One - t * t) * du;
                    (Vector512.LoadUnsafe(ref gr, (nuint)i) * local).StoreUnsafe(ref dr, (nuint)i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - 8; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                    var v2 = v * v;
                    var t = Elementwise.Tanh(v * Sqrt2OverPi * (Vector256<float>.One + Cubic * v2));
                    var du = Sqrt2OverPi * (Vector256<float>.One + (3f * Cubic) * v2);
                    var local = 0.5f * (Vector256<float>.One + t) + 0.5f * v * (Vector256<float>.One - t * t) * du;
                    (Vector256.LoadUnsafe(ref gr, (nuint)i) * local).StoreUnsafe(ref dr, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                float v = Unsafe.Add(ref xr, i);
                float v2 = v * v;
                float t = MathF.Tanh(v * Sqrt2OverPi * (1f + Cubic * v2));
                float du = Sqrt2OverPi * (1f + 3f * Cubic * v2);
                float local = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du;
                Unsafe.Add(ref dr, i) = Unsafe.Add(ref gr, i) * local;
            }
        });
    }
}

/// <summary>
/// SwiGLU's gate (Shazeer 2020; LLaMA's MLP): <c>y = silu(a)·b</c> with <c>silu(a) = a·σ(a)</c>, where a and b are
/// the two up-projections [hidden, tokens] (LLaMA's W1·x and W3·x); element-wise, any layout.
/// </summary>
public static class SwiGlu
{
    /// <summary><c>y[i] = a[i]·σ(a[i])·b[i]</c> for i &lt; count.</summary>
    /// <param name="a">Gate pre-activation, kept for <see cref="Backward"/>.</param>
    /// <param name="b">Linear branch, kept for <see cref="Backward"/>.</param>
    /// <param name="y">Output, overwritten; must not be a or b if the backward pass needs them.</param>
    /// <param name="count">Elements.</param>
    public static void Forward(float[] a, float[] b, float[] y, int count)
    {
        Elementwise.Check(count, (a, nameof(a)), (b, nameof(b)), (y, nameof(y)));
        Elementwise.Run(count, (start, end) =>
        {
            int n = end - start, i = 0;
            ref float ar = ref MemoryMarshal.GetReference(a.AsSpan(start, n));
            ref float br = ref MemoryMarshal.GetReference(b.AsSpan(start, n));
            ref float yr = ref MemoryMarshal.GetReference(y.AsSpan(start, n));
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    var av = Vector512.LoadUnsafe(ref ar, (nuint)i);
                    var sigma = Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-av));
                    (av * sigma * Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - 8; i += 8)
                {
                    var av = Vector256.LoadUnsafe(ref ar, (nuint)i);
                    var sigma = Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-av));
                    (av * sigma * Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                float av = Unsafe.Add(ref ar, i);
                float sigma = 1f / (1f + MathF.Exp(-av));
                Unsafe.Add(ref yr, i) = av * sigma * Unsafe.Add(ref br, i);
            }
        });
    }

    /// <summary>
    /// <c>da[i] = dy[i]·b[i]·σ(a)·(1 + a·(1 − σ(a)))</c>, <c>db[i] = dy[i]·a·σ(a)</c>, both overwritten. Every
    /// element is read before it is written, so da and db may be any of the inputs (e.g. da = a, db = b).
    /// </summary>
    /// <param name="a">The forward gate input.</param>
    /// <param name="b">The forward linear input.</param>
    /// <param name="dy">∂loss/∂y.</param>
    /// <param name="da">∂loss/∂a, overwritten.</param>
    /// <param name="db">∂loss/∂b, overwritten.</param>
    /// <param name="count">Elements.</param>
    public static void Backward(float[] a, float[] b, float[] dy, float[] da, float[] db, int count)
    {
        Elementwise.Check(count, (a, nameof(a)), (b, nameof(b)), (dy, nameof(dy)), (da, nameof(da)), (db, nameof(db)));
        Elementwise.Run(count, (start, end) =>
        {
            int n = end - start, i = 0;
            ref float ar = ref MemoryMarshal.GetReference(a.AsSpan(start, n));
            ref float br = ref MemoryMarshal.GetReference(b.AsSpan(start, n));
            ref float gr = ref MemoryMarshal.GetReference(dy.AsSpan(start, n));
            ref float dar = ref MemoryMarshal.GetReference(da.AsSpan(start, n));
            ref float dbr = ref MemoryMarshal.GetReference(db.AsSpan(start, n));
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    var av = Vector512.LoadUnsafe(ref ar, (nuint)i);
                    var bv = Vector512.LoadUnsafe(ref br, (nuint)i);
                    var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                    var sigma = Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-av));
                    var dSilu = sigma * (Vector512<float>.One + av * (Vector512<float>.One - sigma));
                    (g * bv * dSilu).StoreUnsafe(ref dar, (nuint)i);
                    (g * av * sigma).StoreUnsafe(ref dbr, (nuint)i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - 8; i += 8)
                {
                    var av = Vector256.LoadUnsafe(ref ar, (nuint)i);
                    var bv = Vector256.LoadUnsafe(ref br, (nuint)i);
                    var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                    var sigma = Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-av));
                    var dSilu = sigma * (Vector256<float>.One + av * (Vector256<float>.One - sigma));
                    (g * bv * dSilu).StoreUnsafe(ref dar, (nuint)i);
                    (g * av * sigma).StoreUnsafe(ref dbr, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                float av = Unsafe.Add(ref ar, i);
                float bv = Unsafe.Add(ref br, i);
                float g = Unsafe.Add(ref gr, i);
                float sigma = 1f / (1f + MathF.Exp(-av));
                float dSilu = sigma * (1f + av * (1f - sigma));
                Unsafe.Add(ref dar, i) = g * bv * dSilu;
                Unsafe.Add(ref dbr, i) = g * av * sigma;
            }
        });
    }
}
