using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// One pre-norm transformer block on the residual stream x [D, N] (N = sequences · T tokens) on the CPU: its norms and
/// matrices, run by the orchestration both backends share (<see cref="BlockPass{T}"/>, llm.c's order, with the shapes).
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

    private readonly BlockPass<float[]> pass;

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
        pass = new BlockPass<float[]>(new CpuTokenOps(rotary), norm1, norm2, Matrices, Width, Hidden, heads, context, rotary is not null);
    }

    /// <summary>D.</summary>
    public static int Width => TAttention.Out;

    /// <summary>The MLP's hidden units H.</summary>
    public static int Hidden => TUp.Out;

    /// <summary>Q, K, V, O, Up, (Gate,) Down: the block's sparsifiable matrices.</summary>
    public IReadOnlyList<Linear> Matrices { get; }

    /// <summary>The block's norms.</summary>
    public IReadOnlyList<NormLayer> Norms => [norm1, norm2];

    /// <summary>The block's passes, for the network's orchestration.</summary>
    internal BlockPass<float[]> Pass => pass;

    /// <summary>What the device network mirrors.</summary>
    internal TransformerBlockParts Parts => new(heads, rotary, norm1, norm2, Matrices);

    /// <summary>norm1, Q, K, V, O, norm2, the MLP: every trainable array.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>y [D, N] from the residual stream x [D, N]; x must stay unchanged until <see cref="Backward"/>.</summary>
    public float[] Forward(float[] x, int tokens) => pass.Forward(x, tokens);

    /// <summary>
    /// From ∂loss/∂y [D, N] (left unchanged), fills every gradient of the block (the norms' accumulate: zero them
    /// first) and returns ∂loss/∂x [D, N], a buffer of this block's.
    /// </summary>
    public float[] Backward(float[] dy, int tokens) => pass.Backward(dy, tokens);
}
