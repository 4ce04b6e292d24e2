using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>
/// cos and sin of the rotary angles <c>θ(i, t) = t · base^(−2i/hd)</c> for pair i ∈ [0, hd/2) and position t ∈ [0, T),
/// computed once in float64 per (head dim, context, base) and shared by every layer.
/// </summary>
public sealed class RotaryTable
{
    /// <summary>Builds the table.</summary>
    /// <param name="headDim">Head dimension hd (even).</param>
    /// <param name="context">Positions T.</param>
    /// <param name="theta">The base (LLaMA's 10000).</param>
    public RotaryTable(int headDim, int context, double theta = 10000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(theta);
        if (headDim % 2 != 0)
        {
            throw new ArgumentException($"Rotary positions rotate pairs of features; head dim {headDim} is odd.", nameof(headDim));
        }

        HeadDim = headDim;
        Context = context;
        Theta = theta;
        int pairs = headDim / 2;
        Cos = new float[pairs * context];
        Sin = new float[pairs * context];
        for (int i = 0; i < pairs; i++)
        {
            double frequency = Math.Pow(theta, -2.0 * i / headDim);
            for (int t = 0; t < context; t++)
            {
                double angle = t * frequency;
                Cos[i * context + t] = (float)Math.Cos(angle);
                Sin[i * context + t] = (float)Math.Sin(angle);
            }
        }
    }

    /// <summary>Head dimension hd.</summary>
    public int HeadDim { get; }

    /// <summary>Positions T.</summary>
    public int Context { get; }

    /// <summary>The base of the frequencies.</summary>
    public double Theta { get; }

    /// <summary>cos θ(i, t) [hd/2, T], element (i, t) at <c>i·T + t</c>.</summary>
    internal float[] Cos { get; }

    /// <summary>sin θ(i, t) [hd/2, T], same layout.</summary>
    internal float[] Sin { get; }
}

/// <summary>
/// Rotary position embedding (Su et al. 2021, as LLaMA applies it) on feature-major q or k <c>[dim, tokens]</c>, in
/// place: within each head, features (2i, 2i+1) at position t are rotated by θ(i, t):
/// <code>
/// x'[2i]   = x[2i]·cos θ − x[2i+1]·sin θ
/// x'[2i+1] = x[2i]·sin θ + x[2i+1]·cos θ
/// </code>
/// The map is a rotation, so its backward pass is the rotation by −θ. Lanes run over the positions of one sequence.
/// </summary>
public static class Rotary
{
    /// <summary>Rotates every head's feature pairs of <paramref name="x"/> [dim, tokens] by +θ(i, t), in place.</summary>
    /// <param name="table">The angles; its head dim divides <paramref name="dim"/>, its context is the sequence length.</param>
    /// <param name="x">q or k [dim, tokens], tokens = batch · T.</param>
    /// <param name="dim">Model width D = heads · hd.</param>
    /// <param name="tokens">Tokens N.</param>
    public static void Forward(RotaryTable table, float[] x, int dim, int tokens) => Apply(table, x, dim, tokens, inverse: false);

    /// <summary>∂loss/∂x from ∂loss/∂x' in place: rotates <paramref name="dx"/> [dim, tokens] by −θ(i, t) (the transpose of the rotation).</summary>
    /// <param name="table">The angles used in the forward pass.</param>
    /// <param name="dx">∂loss/∂(rotated x) [dim, tokens] on entry, ∂loss/∂x on return.</param>
    /// <param name="dim">Model width D.</param>
    /// <param name="tokens">Tokens N.</param>
    public static void Backward(RotaryTable table, float[] dx, int dim, int tokens) => Apply(table, dx, dim, tokens, inverse: true);

    private static void Apply(RotaryTable table, float[] x, int dim, int tokens, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        DenseKernels.Check(x, (long)dim * tokens, nameof(x));
        int headDim = table.HeadDim;
        int T = table.Context;
        if (dim % headDim != 0)
        {
            throw new ArgumentException($"The table's head dim {headDim} does not divide dim {dim}.", nameof(dim));
        }

        if (tokens % T != 0)
        {
            throw new ArgumentException($"tokens ({tokens}) must be a whole number of sequences of the table's context {T}.", nameof(tokens));
        }

        int sequences = tokens / T;
        int pairRows = dim / 2;
        int chunks = (long)dim * tokens < 1 << 15 ? 1 : Math.Min(pairRows, Workers.Count);
        Workers.ForRange(pairRows, chunks, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int i = 2 * r % headDim / 2;                      // pair index within its head
                ReadOnlySpan<float> cos = table.Cos.AsSpan(i * T, T);
                ReadOnlySpan<float> sin = table.Sin.AsSpan(i * T, T);
                for (int b = 0; b < sequences; b++)
                {
                    int even = 2 * r * tokens + b * T;            // x[2r, bT .. bT+T)
                    Rotate(x.AsSpan(even, T), x.AsSpan(even + tokens, T), cos, sin, inverse ? -1f : 1f);
                }
            }
        });
    }

    /// <summary>(x0, x1) ← (x0·cos − x1·s, x0·s + x1·cos) with s = sign·sin, lane by lane.</summary>
    private static void Rotate(Span<float> x0, Span<float> x1, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, float sign)
    {
        int n = x0.Length;
        x1 = x1[..n];
        cos = cos[..n];
        sin = sin[..n];
        ref float a = ref MemoryMarshal.GetReference(x0);
        ref float b = ref MemoryMarshal.GetReference(x1);
        ref float c = ref MemoryMarshal.GetReference(cos);
        ref float s = ref MemoryMarshal.GetReference(sin);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var av = Vector512.LoadUnsafe(ref a, (nuint)i);
                var bv = Vector512.LoadUnsafe(ref b, (nuint)i);
                var cv = Vector512.LoadUnsafe(ref c, (nuint)i);
                var sv = Vector512.LoadUnsafe(ref s, (nuint)i) * sign;
                (av * cv - bv * sv).StoreUnsafe(ref a, (nuint)i);
                (av * sv + bv * cv).StoreUnsafe(ref b, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var av = Vector256.LoadUnsafe(ref a, (nuint)i);
                var bv = Vector256.LoadUnsafe(ref b, (nuint)i);
                var cv = Vector256.LoadUnsafe(ref c, (nuint)i);
                var sv = Vector256.LoadUnsafe(ref s, (nuint)i) * sign;
                (av * cv - bv * sv).StoreUnsafe(ref a, (nuint)i);
                (av * sv + bv * cv).StoreUnsafe(ref b, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float av = Unsafe.Add(ref a, i);
            float bv = Unsafe.Add(ref b, i);
            float cv = Unsafe.Add(ref c, i);
            float sv = Unsafe.Add(ref s, i) * sign;
            Unsafe.Add(ref a, i) = av * cv - bv * sv;
            Unsafe.Add(ref b, i) = av * sv + bv * cv;
        }
    }
}
