using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// One pre-norm transformer block's forward and backward passes, written once for both backends (the CPU's
/// <see cref="TransformerBlock{TAttention, TUp, TDown}"/> and the device's block run this with their own ops, matrices
/// and norms), llm.c's order on the residual stream x [D, N] (N = sequences · T tokens):
/// <code>
/// h1 = norm1(x)                              [D, N]
/// q, k, v = Wq·h1, Wk·h1, Wv·h1              [D, N] each (rotary: q, k rotated per position)
/// a  = attention(q, k, v)                    [D, N]   causal, per head; P [B, H, T, T] kept
/// x1 = x + Wo·a                              [D, N]
/// h2 = norm2(x1)                             [D, N]
/// g  = gelu(Wup·h2) | silu(Wgate·h2) ⊙ Wup·h2 [H, N]
/// y  = x1 + Wdown·g                          [D, N]
/// </code>
/// </summary>
internal sealed class BlockPass<T> : IDisposable
{
    private readonly ITokenOps<T> ops;
    private readonly INormPass<T> norm1, norm2;
    private readonly ILinearPass<T> q, k, v, o, up, down;
    private readonly ILinearPass<T>? gate;
    private readonly int width, hidden, heads, context;
    private readonly bool rotary;
    private readonly IScratch<T> scratch;

    /// <summary>A block over <paramref name="matrices"/> (Q, K, V, O, Up, (Gate,) Down) and its two norms.</summary>
    public BlockPass(
        ITokenOps<T> ops, INormPass<T> norm1, INormPass<T> norm2, IReadOnlyList<ILinearPass<T>> matrices, int width, int hidden, int heads, int context, bool rotary)
    {
        this.ops = ops;
        this.norm1 = norm1;
        this.norm2 = norm2;
        (q, k, v, o, up) = (matrices[0], matrices[1], matrices[2], matrices[3], matrices[4]);
        gate = matrices.Count == 7 ? matrices[5] : null;
        down = matrices[^1];
        (this.width, this.hidden, this.heads, this.context, this.rotary) = (width, hidden, heads, context, rotary);
        scratch = ops.NewScratch((int)Slot.Count);
    }

    // Activations kept from Forward for Backward, and gradients, each the owner's alone (a matrix keeps the ∂loss/∂z
    // it was given for RigL's dense gradient): [rows, N] unless noted.
    private enum Slot
    {
        Attention,     // a [D, N]
        Probabilities, // P [B, H, T, T]
        Residual1,     // x1 [D, N]
        Activated,     // g [H, N]
        Output,        // y [D, N]
        DQ,            // ∂q [D, N]
        DK,            // ∂k [D, N]
        DV,            // ∂v [D, N]
        DResidual1,    // ∂x1 [D, N]
        DUp,           // ∂u [H, N]
        DGate,         // ∂(gate) [H, N]
        DHidden1,      // ∂h1 [D, N]
        DInput,        // ∂x [D, N]
        Count,
    }

    /// <summary>y [D, N] from x [D, N]; x must stay unchanged until <see cref="Backward"/>.</summary>
    public T Forward(T x, int tokens)
    {
        long size = (long)width * tokens, hiddenSize = (long)hidden * tokens;
        T h1 = norm1.Forward(x, tokens);                                        // [D, N]
        T qOut = q.Forward(h1, tokens);                                         // [D, N]
        T kOut = k.Forward(h1, tokens);                                         // [D, N]
        T vOut = v.Forward(h1, tokens);                                         // [D, N]
        if (rotary)
        {
            ops.Rotate(qOut, width, tokens, inverse: false);
            ops.Rotate(kOut, width, tokens, inverse: false);
        }

        T a = Get(Slot.Attention, size);                                        // [D, N]
        T p = Get(Slot.Probabilities, CausalSelfAttention.ProbabilitiesLength(heads, tokens, context));
        ops.AttentionForward(qOut, kOut, vOut, a, p, width, heads, tokens, context);
        T x1 = Get(Slot.Residual1, size);                                       // [D, N] = x + Wo·a
        ops.Copy(x, x1, size);
        ops.Add(x1, o.Forward(a, tokens), size);

        T h2 = norm2.Forward(x1, tokens);                                       // [D, N]
        T u = up.Forward(h2, tokens);                                           // [H, N]
        T g = Get(Slot.Activated, hiddenSize);                                  // [H, N]
        if (gate is null)
        {
            ops.GeluForward(u, g, hiddenSize);
        }
        else
        {
            ops.SwiGluForward(gate.Forward(h2, tokens), u, g, hiddenSize);
        }

        T y = Get(Slot.Output, size);                                           // [D, N] = x1 + Wdown·g
        ops.Copy(x1, y, size);
        ops.Add(y, down.Forward(g, tokens), size);
        return y;
    }

    /// <summary>
    /// From ∂loss/∂y [D, N] (left unchanged), fills every gradient of the block (the norms' accumulate: zero them
    /// first) and returns ∂loss/∂x [D, N], a buffer of this block's.
    /// </summary>
    public T Backward(T dy, int tokens)
    {
        long size = (long)width * tokens, hiddenSize = (long)hidden * tokens;

        // y = x1 + Wdown·g: the residual passes dy to x1; the MLP branch gets dy too.
        T dg = down.Backward(dy, tokens);                                       // ∂g [H, N]
        T du = Get(Slot.DUp, hiddenSize);                                       // ∂u [H, N]
        T dh2;
        if (gate is null)
        {
            ops.GeluBackward(up.Output, dg, du, hiddenSize);
            dh2 = up.Backward(du, tokens);
        }
        else
        {
            T da = Get(Slot.DGate, hiddenSize);
            ops.SwiGluBackward(gate.Output, up.Output, dg, da, du, hiddenSize);
            T fromUp = up.Backward(du, tokens);
            ops.Add(fromUp, gate.Backward(da, tokens), size);
            dh2 = fromUp;
        }

        T dx1 = Get(Slot.DResidual1, size);                                     // ∂x1 = dy + norm2ᵀ(∂h2)
        ops.Copy(dy, dx1, size);
        norm2.Backward(dh2, dx1, tokens, accumulate: true);

        // x1 = x + Wo·a.
        T dA = o.Backward(dx1, tokens);                                         // ∂a [D, N]
        T gq = Get(Slot.DQ, size), gk = Get(Slot.DK, size), gv = Get(Slot.DV, size);
        ops.AttentionBackward(q.Output, k.Output, v.Output, Get(Slot.Probabilities, CausalSelfAttention.ProbabilitiesLength(heads, tokens, context)), dA, gq, gk, gv, width, heads, tokens, context);
        if (rotary)
        {
            ops.Rotate(gq, width, tokens, inverse: true);
            ops.Rotate(gk, width, tokens, inverse: true);
        }

        T dh1 = Get(Slot.DHidden1, size);                                       // ∂h1 = Wqᵀ·∂q + Wkᵀ·∂k + Wvᵀ·∂v
        ops.Copy(q.Backward(gq, tokens), dh1, size);
        ops.Add(dh1, k.Backward(gk, tokens), size);
        ops.Add(dh1, v.Backward(gv, tokens), size);

        T dx = Get(Slot.DInput, size);                                          // ∂x = ∂x1 + norm1ᵀ(∂h1)
        ops.Copy(dx1, dx, size);
        norm1.Backward(dh1, dx, tokens, accumulate: true);
        return dx;
    }

    public void Dispose() => scratch.Dispose();

    private T Get(Slot slot, long length) => scratch.Get((int)slot, length);
}
