using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SparseDsl.Kernels;

/// <summary>
/// The register-tiled path of <see cref="CausalSelfAttention"/> (Vector512, T a multiple of 16, hd a multiple of 8),
/// per (sequence, head) as the row path, with the same results up to summation order. Every product is one of two
/// micro-kernels with 8 accumulators of 16 lanes, so one vector load feeds 8 FMAs instead of one:
/// <list type="bullet">
/// <item><see cref="RowTile"/>: <c>dst[t0+i, s0..s0+16) = c · Σ_j a[j, t0+i]·b[j, s0..s0+16)</c> for 8 rows i (a broadcast,
/// b a vector over keys): the scores S = QᵀK and, backward, dP = doutᵀV;</item>
/// <item><see cref="FeatureTile"/>: <c>dst[j0+jj, x0..x0+16) = c · Σ_y w[y, x0..x0+16)·e[j0+jj, y]</c> for 8 features jj
/// (w a row-major [y][x] matrix, e broadcast): out = Pᵀ-weighted v (w = Pᵀ), dq (w = dSᵀ), dk (w = dS), dv (w = P).</item>
/// </list>
/// The probabilities stay in their documented layout P[b, h, t, s]; Pᵀ and dSᵀ are transposed into a per-task scratch.
/// </summary>
public static partial class CausalSelfAttention
{
    private const int Lanes16 = 16;
    private const int Rows8 = 8;

    private static bool Tiled(int context, int headDim) =>
        Vector512.IsHardwareAccelerated && context % Lanes16 == 0 && headDim % Rows8 == 0;

    private static unsafe void ForwardTiled(float[] q, float[] k, float[] v, float[] output, float[] probabilities, int headDim, int heads, int tokens, int T)
    {
        int pairs = tokens / T * heads;
        float scale = 1f / MathF.Sqrt(headDim);
        Workers.ForRange(pairs, Chunks(pairs, T, headDim), (p0, p1) =>
        {
            var transposed = new float[T * T]; // Pᵀ[s, t] of one pair
            fixed (float* qp = q, kp = k, vp = v, op = output, pp = probabilities, tp = transposed)
            {
                for (int pair = p0; pair < p1; pair++)
                {
                    long head = (long)(pair % heads * headDim) * tokens + pair / heads * T; // feature 0, token 0 of (b, h)
                    float* P = pp + (long)pair * T * T;                                        // P[t, s], row-major
                    for (int t0 = 0; t0 < T; t0 += Lanes16)
                    {
                        for (int s0 = 0; s0 <= t0; s0 += Lanes16)
                        {
                            // S[t, s] = (1/√hd) Σ_j q[j, t]·k[j, s] for the 16 × 16 tile.
                            RowTile(qp + head + t0, kp + head + s0, tokens, headDim, P + (long)t0 * T + s0, T, scale);
                            RowTile(qp + head + t0 + Rows8, kp + head + s0, tokens, headDim, P + (long)(t0 + Rows8) * T + s0, T, scale);
                        }

                        for (int t = t0; t < t0 + Lanes16; t++)
                        {
                            var row = new Span<float>(P + (long)t * T, T);
                            Span<float> keys = row[..(t + 1)];
                            float sum = Lanes.ExpShifted(keys, Lanes.Max(keys));
                            Lanes.Scale(keys, 1f / sum);
                            row[(t + 1)..].Clear();
                        }
                    }

                    TransposeLower(P, tp, T);
                    for (int x0 = 0; x0 < T; x0 += Lanes16)
                    {
                        for (int j0 = 0; j0 < headDim; j0 += Rows8)
                        {
                            // out[j, t] = Σ_{s ≤ t} Pᵀ[s, t]·v[j, s]: queries x0.. read keys 0 … x0 + 15.
                            FeatureTile(tp, T, x0, 0, x0 + Lanes16, vp + head + (long)j0 * tokens, tokens, op + head + (long)j0 * tokens + x0, 1f);
                        }
                    }
                }
            }
        });
    }

    private static unsafe void BackwardTiled(
        float[] q, float[] k, float[] v, float[] probabilities, float[] dOutput, float[] dq, float[] dk, float[] dv, int headDim, int heads, int tokens, int T)
    {
        int pairs = tokens / T * heads;
        float scale = 1f / MathF.Sqrt(headDim);
        Workers.ForRange(pairs, Chunks(pairs, T, headDim), (p0, p1) =>
        {
            var scores = new float[T * T];     // dP, then dS [t, s]
            var transposed = new float[T * T]; // dSᵀ [s, t]
            fixed (float* qp = q, kp = k, vp = v, pp = probabilities, gp = dOutput, dqp = dq, dkp = dk, dvp = dv, sp = scores, tp = transposed)
            {
                for (int pair = p0; pair < p1; pair++)
                {
                    long head = (long)(pair % heads * headDim) * tokens + pair / heads * T;
                    float* P = pp + (long)pair * T * T;
                    for (int t0 = 0; t0 < T; t0 += Lanes16)
                    {
                        for (int s0 = 0; s0 <= t0; s0 += Lanes16)
                        {
                            // dP[t, s] = Σ_j dout[j, t]·v[j, s].
                            RowTile(gp + head + t0, vp + head + s0, tokens, headDim, sp + t0 * T + s0, T, 1f);
                            RowTile(gp + head + t0 + Rows8, vp + head + s0, tokens, headDim, sp + (t0 + Rows8) * T + s0, T, 1f);
                        }
                    }

                    for (int t = 0; t < T; t++)
                    {
                        // dS = P ⊙ (dP − ⟨P, dP⟩) over s ≤ t; zero above the diagonal (the tile computed some of it).
                        var p = new ReadOnlySpan<float>(P + (long)t * T, t + 1);
                        var row = new Span<float>(sp + t * T, T);
                        Span<float> ds = row[..(t + 1)];
                        Lanes.SoftmaxGradient(ds, p, Lanes.Dot(p, ds));
                        row[(t + 1)..].Clear();
                    }

                    TransposeLower(sp, tp, T);
                    for (int x0 = 0; x0 < T; x0 += Lanes16)
                    {
                        for (int j0 = 0; j0 < headDim; j0 += Rows8)
                        {
                            long feature = head + (long)j0 * tokens;
                            // dq[j, t] = (1/√hd) Σ_{s ≤ t} dSᵀ[s, t]·k[j, s]           (queries x0 …)
                            FeatureTile(tp, T, x0, 0, x0 + Lanes16, kp + feature, tokens, dqp + feature + x0, scale);
                            // dk[j, s] = (1/√hd) Σ_{t ≥ s} dS[t, s]·q[j, t]             (keys x0 …)
                            FeatureTile(sp, T, x0, x0, T, qp + feature, tokens, dkp + feature + x0, scale);
                            // dv[j, s] = Σ_{t ≥ s} P[t, s]·dout[j, t]                   (keys x0 …)
                            FeatureTile(P, T, x0, x0, T, gp + feature, tokens, dvp + feature + x0, 1f);
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// <c>dst[i, 0..16) = c · Σ_{j &lt; depth} a[j·stride + i]·b[j·stride + 0..16)</c> for i &lt; 8 (dst rows <paramref name="dstStride"/> apart).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowTile(float* a, float* b, int stride, int depth, float* dst, int dstStride, float c)
    {
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        for (int j = 0; j < depth; j++)
        {
            float* aj = a + (long)j * stride;
            Vector512<float> bj = Vector512.Load(b + (long)j * stride);
            r0 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[0]), bj, r0);
            r1 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[1]), bj, r1);
            r2 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[2]), bj, r2);
            r3 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[3]), bj, r3);
            r4 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[4]), bj, r4);
            r5 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[5]), bj, r5);
            r6 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[6]), bj, r6);
            r7 = Vector512.FusedMultiplyAdd(Vector512.Create(aj[7]), bj, r7);
        }

        var scale = Vector512.Create(c);
        (r0 * scale).Store(dst);
        (r1 * scale).Store(dst + dstStride);
        (r2 * scale).Store(dst + 2 * dstStride);
        (r3 * scale).Store(dst + 3 * dstStride);
        (r4 * scale).Store(dst + 4 * dstStride);
        (r5 * scale).Store(dst + 5 * dstStride);
        (r6 * scale).Store(dst + 6 * dstStride);
        (r7 * scale).Store(dst + 7 * dstStride);
    }

    /// <summary>
    /// <c>dst[jj·stride + 0..16) = c · Σ_{y0 ≤ y &lt; y1} w[y·wStride + x0 + 0..16)·e[jj·stride + y]</c> for jj &lt; 8, overwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void FeatureTile(float* w, int wStride, int x0, int y0, int y1, float* e, int stride, float* dst, float c)
    {
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        float* e0 = e, e1 = e + stride, e2 = e + 2L * stride, e3 = e + 3L * stride, e4 = e + 4L * stride, e5 = e + 5L * stride, e6 = e + 6L * stride, e7 = e + 7L * stride;
        for (int y = y0; y < y1; y++)
        {
            Vector512<float> wy = Vector512.Load(w + (long)y * wStride + x0);
            r0 = Vector512.FusedMultiplyAdd(Vector512.Create(e0[y]), wy, r0);
            r1 = Vector512.FusedMultiplyAdd(Vector512.Create(e1[y]), wy, r1);
            r2 = Vector512.FusedMultiplyAdd(Vector512.Create(e2[y]), wy, r2);
            r3 = Vector512.FusedMultiplyAdd(Vector512.Create(e3[y]), wy, r3);
            r4 = Vector512.FusedMultiplyAdd(Vector512.Create(e4[y]), wy, r4);
            r5 = Vector512.FusedMultiplyAdd(Vector512.Create(e5[y]), wy, r5);
            r6 = Vector512.FusedMultiplyAdd(Vector512.Create(e6[y]), wy, r6);
            r7 = Vector512.FusedMultiplyAdd(Vector512.Create(e7[y]), wy, r7);
        }

        var scale = Vector512.Create(c);
        (r0 * scale).Store(dst);
        (r1 * scale).Store(dst + stride);
        (r2 * scale).Store(dst + 2L * stride);
        (r3 * scale).Store(dst + 3L * stride);
        (r4 * scale).Store(dst + 4L * stride);
        (r5 * scale).Store(dst + 5L * stride);
        (r6 * scale).Store(dst + 6L * stride);
        (r7 * scale).Store(dst + 7L * stride);
    }

    /// <summary>
    /// <c>dst[s, t] = src[t, s]</c> for the 16 × 16 tiles on and below the diagonal of a T × T matrix (s0 ≤ t0); the
    /// tiles above it are zero in src's transpose of a causal matrix and are cleared.
    /// </summary>
    private static unsafe void TransposeLower(float* src, float* dst, int T)
    {
        for (int t0 = 0; t0 < T; t0 += Lanes16)
        {
            for (int s0 = 0; s0 < T; s0 += Lanes16)
            {
                for (int s = s0; s < s0 + Lanes16; s++)
                {
                    float* to = dst + (long)s * T + t0;
                    if (s0 > t0)
                    {
                        Vector512<float>.Zero.Store(to);
                        continue;
                    }

                    for (int t = 0; t < Lanes16; t++)
                    {
                        to[t] = src[(long)(t0 + t) * T + s];
                    }
                }
            }
        }
    }
}
