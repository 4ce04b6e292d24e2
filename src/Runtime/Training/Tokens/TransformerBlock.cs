using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// One pre-norm transformer block on the residual stream x [D, N] (N = sequences · T tokens), llm.c's order:
/// <code>
/// h1 = norm1(x)                              [D, N]
/// q, k, v = Wq·h1, Wk·h1, Wv·h1              [D, N] each (rotary: q, k rotated per position)
/// a  = attention(q, k, v)                    [D, N]   causal, per head; P [B, H, T, T] kept
/// x1 = x + Wo·a                              [D, N]
/// h2 = norm2(x1)                             [D, N]
/// g  = gelu(Wup·h2) | silu(Wgate·h2) ⊙ Wup·h2 [H, N]
/// y  = x1 + Wdown·g                          [D, N]
/// </code>
/// Every matrix is a <see cref="Linear"/> (its own format, sparse or dense, and its own bias), so each sparsity
/// pattern and schedule applies to it as to an MLP layer. <typeparamref name="TAttention"/> is D → D,
/// <typeparamref name="TUp"/> D → H and <typeparamref name="TDown"/> H → D; the JIT bakes their sizes into the kernels.
/// </summary>
public sealed class TransformerBlock<TAttention, TUp, TDown>
    where TAttention : ILayerShape
    where TUp : ILayerShape
    where TDown : ILayerShape
{
    private readonly int heads;
    private readonly int context;
    private readonly RotaryTable? rotary;
    private readonly NormLayer norm1;
    private readonly NormLayer norm2;
    private readonly Linear<TAttention> q, k, v, o;
    private readonly Linear<TUp> up;
    private readonly Linear<TUp>? gate;
    private readonly Linear<TDown> down;

    // Activations kept from Forward for Backward, [rows, N] unless noted.
    private float[]? attention;     // a [D, N]
    private float[]? probabilities; // P [B, H, T, T]
    private float[]? residual1;     // x1 [D, N]
    private float[]? hidden;        // g [H, N]
    private float[]? output;        // y [D, N]

    // Gradients, each the owner's alone: a Linear keeps the ∂loss/∂z it was given for RigL's dense gradient.
    private float[]? dq, dk, dv;    // [D, N]
    private float[]? dResidual1;    // ∂x1 [D, N]
    private float[]? dUp, dGate;    // [H, N]
    private float[]? dHidden1;      // ∂h1 [D, N]
    private float[]? dInput;        // ∂x [D, N]

    /// <param name="name">The block's name (<c>Blocks.0</c>); its matrices are <c>Blocks.0.Q</c> … <c>Blocks.0.Down</c>.</param>
    /// <param name="heads">Attention heads (dividing D).</param>
    /// <param name="context">Tokens per sequence T.</param>
    /// <param name="rmsNorm">RMS norm instead of layer norm.</param>
    /// <param name="swiGlu">A SwiGLU MLP (with a gate matrix) instead of GELU.</param>
    /// <param name="rotary">Rotary positions on q and k, or null (learned positions live in the embedding).</param>
    /// <param name="plan">Each matrix's plan, by its name.</param>
    public TransformerBlock(string name, int heads, int context, bool rmsNorm, bool swiGlu, RotaryTable? rotary, Func<string, LayerPlan> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (TAttention.In != TAttention.Out || TUp.In != TAttention.Out || TDown.In != TUp.Out || TDown.Out != TAttention.Out)
        {
            throw new ArgumentException($"block {name}: shapes {TAttention.In}→{TAttention.Out}, {TUp.In}→{TUp.Out}, {TDown.In}→{TDown.Out} do not chain D→D, D→H, H→D");
        }

        this.heads = heads;
        this.context = context;
        this.rotary = rotary;
        norm1 = new NormLayer(name + ".Norm1", Width, rmsNorm);
        norm2 = new NormLayer(name + ".Norm2", Width, rmsNorm);
        q = Linear<TAttention>.Create(name + ".Q", Activation.None, plan(name + ".Q"));
        k = Linear<TAttention>.Create(name + ".K", Activation.None, plan(name + ".K"));
        v = Linear<TAttention>.Create(name + ".V", Activation.None, plan(name + ".V"));
        o = Linear<TAttention>.Create(name + ".O", Activation.None, plan(name + ".O"));
        up = Linear<TUp>.Create(name + ".Up", Activation.None, plan(name + ".Up"));
        gate = swiGlu ? Linear<TUp>.Create(name + ".Gate", Activation.None, plan(name + ".Gate")) : null;
        down = Linear<TDown>.Create(name + ".Down", Activation.None, plan(name + ".Down"));
        Matrices = gate is null ? [q, k, v, o, up, down] : [q, k, v, o, up, gate, down];
        Parameters = [.. norm1.Parameters, .. Matrices.Take(4).SelectMany(m => m.Parameters), .. norm2.Parameters, .. Matrices.Skip(4).SelectMany(m => m.Parameters)];
    }

    /// <summary>D.</summary>
    public static int Width => TAttention.Out;

    /// <summary>The MLP's hidden units H.</summary>
    public static int Hidden => TUp.Out;

    /// <summary>Q, K, V, O, Up, (Gate,) Down: the block's sparsifiable matrices.</summary>
    public IReadOnlyList<Linear> Matrices { get; }

    /// <summary>The block's norms.</summary>
    public IReadOnlyList<NormLayer> Norms => [norm1, norm2];

    /// <summary>What the device network mirrors.</summary>
    internal TransformerBlockParts Parts => new(heads, rotary, norm1, norm2, Matrices);

    /// <summary>norm1, Q, K, V, O, norm2, the MLP: every trainable array.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>y [D, N] from the residual stream x [D, N]; x must stay unchanged until <see cref="Backward"/>.</summary>
    public float[] Forward(float[] x, int tokens)
    {
        int D = Width, H = Hidden;
        long size = (long)D * tokens;
        float[] h1 = norm1.Forward(x, tokens);                              // [D, N]
        float[] qOut = q.Forward(h1, tokens);                               // [D, N]
        float[] kOut = k.Forward(h1, tokens);                               // [D, N]
        float[] vOut = v.Forward(h1, tokens);                               // [D, N]
        if (rotary is not null)
        {
            Rotary.Forward(rotary, qOut, D, tokens);
            Rotary.Forward(rotary, kOut, D, tokens);
        }

        float[] a = Buffers.Ensure(ref attention, size);                    // [D, N]
        float[] p = Buffers.Ensure(ref probabilities, CausalSelfAttention.ProbabilitiesLength(heads, tokens, context));
        CausalSelfAttention.Forward(qOut, kOut, vOut, a, p, D, heads, tokens, context);
        float[] x1 = Buffers.Ensure(ref residual1, size);                   // [D, N] = x + Wo·a
        Array.Copy(x, x1, size);
        Residual.Add(x1, o.Forward(a, tokens), (int)size);

        float[] h2 = norm2.Forward(x1, tokens);                             // [D, N]
        float[] u = up.Forward(h2, tokens);                                 // [H, N]
        float[] g = Buffers.Ensure(ref hidden, (long)H * tokens);           // [H, N]
        if (gate is null)
        {
            Gelu.Forward(u, g, H * tokens);
        }
        else
        {
            SwiGlu.Forward(gate.Forward(h2, tokens), u, g, H * tokens);
        }

        float[] y = Buffers.Ensure(ref output, size);                       // [D, N] = x1 + Wdown·g
        Array.Copy(x1, y, size);
        Residual.Add(y, down.Forward(g, tokens), (int)size);
        return y;
    }

    /// <summary>
    /// From ∂loss/∂y [D, N] (left unchanged), fills every gradient of the block (the norms' accumulate: zero them
    /// first) and returns ∂loss/∂x [D, N], a buffer of this block's.
    /// </summary>
    public float[] Backward(float[] dy, int tokens)
    {
        int D = Width, H = Hidden;
        long size = (long)D * tokens;

        // y = x1 + Wdown·g: the residual passes dy to x1; the MLP branch gets dy too.
        float[] dg = down.Backward(dy, tokens, needInputGradient: true)!;   // ∂g [H, N]
        float[] du = Buffers.Ensure(ref dUp, (long)H * tokens);             // ∂u [H, N]
        float[] dh2;
        if (gate is null)
        {
            Gelu.Backward(up.LastOutput, dg, du, H * tokens);
            dh2 = up.Backward(du, tokens, needInputGradient: true)!;
        }
        else
        {
            float[] da = Buffers.Ensure(ref dGate, (long)H * tokens);
            SwiGlu.Backward(gate.LastOutput, up.LastOutput, dg, da, du, H * tokens);
            float[] dFromUp = up.Backward(du, tokens, needInputGradient: true)!;
            float[] dFromGate = gate.Backward(da, tokens, needInputGradient: true)!;
            Residual.Add(dFromUp, dFromGate, (int)size);
            dh2 = dFromUp;
        }

        float[] dx1 = Buffers.Ensure(ref dResidual1, size);                 // ∂x1 = dy + norm2ᵀ(∂h2)
        Array.Copy(dy, dx1, size);
        norm2.Backward(dh2, dx1, tokens, accumulate: true);

        // x1 = x + Wo·a.
        float[] dA = o.Backward(dx1, tokens, needInputGradient: true)!;     // ∂a [D, N]
        float[] gq = Buffers.Ensure(ref dq, size), gk = Buffers.Ensure(ref dk, size), gv = Buffers.Ensure(ref dv, size);
        CausalSelfAttention.Backward(q.LastOutput, k.LastOutput, v.LastOutput, probabilities!, dA, gq, gk, gv, D, heads, tokens, context);
        if (rotary is not null)
        {
            Rotary.Backward(rotary, gq, D, tokens);
            Rotary.Backward(rotary, gk, D, tokens);
        }

        float[] dh1 = Buffers.Ensure(ref dHidden1, size);                   // ∂h1 = Wqᵀ·∂q + Wkᵀ·∂k + Wvᵀ·∂v
        Array.Copy(q.Backward(gq, tokens, needInputGradient: true)!, dh1, size);
        Residual.Add(dh1, k.Backward(gk, tokens, needInputGradient: true)!, (int)size);
        Residual.Add(dh1, v.Backward(gv, tokens, needInputGradient: true)!, (int)size);

        float[] dx = Buffers.Ensure(ref dInput, size);                      // ∂x = ∂x1 + norm1ᵀ(∂h1)
        Array.Copy(dx1, dx, size);
        norm1.Backward(dh1, dx, tokens, accumulate: true);
        return dx;
    }
}
