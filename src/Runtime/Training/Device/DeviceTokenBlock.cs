using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// One pre-norm transformer block on the device, the CPU block's order (<see cref="TransformerBlock{TAttention, TUp, TDown}"/>)
/// on the residual stream x [D, N]:
/// <code>
/// h1 = norm1(x); q, k, v = Wq·h1, Wk·h1, Wv·h1 (rotary on q, k); a = attention(q, k, v); x1 = x + Wo·a
/// h2 = norm2(x1); g = gelu(Wup·h2) | silu(Wgate·h2) ⊙ Wup·h2;          y = x1 + Wdown·g
/// </code>
/// Each matrix is a <see cref="DeviceLayer"/> over its host <see cref="Linear"/> (dense, CSR or block-CSR as the host's
/// format is), so topology updates reach it as they reach an MLP layer.
/// </summary>
internal sealed class DeviceTokenBlock : IDisposable
{
    private readonly Accelerator accelerator;
    private readonly DeviceTokenKernels kernels;
    private readonly int width, hidden, heads, headDim, context;
    private readonly DeviceTokenNorm norm1, norm2;
    private readonly DeviceLayer q, k, v, o, up, down;
    private readonly DeviceLayer? gate;
    private readonly (ArrayView<float> Cos, ArrayView<float> Sin)? rotary; // [hd/2, T] each, the network's

    // Activations kept from Forward for Backward, [rows, N] unless noted.
    private MemoryBuffer1D<float, Stride1D.Dense>? attention;     // a [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? probabilities; // P [B, H, T, T]
    private MemoryBuffer1D<float, Stride1D.Dense>? residual1;     // x1 [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? activated;     // g [H, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? output;        // y [D, N]

    // Gradients, each the owner's alone: a DeviceLayer keeps the ∂loss/∂z it was given for RigL's dense gradient.
    private MemoryBuffer1D<float, Stride1D.Dense>? dScores;       // [B, H, T, T]
    private MemoryBuffer1D<float, Stride1D.Dense>? dq, dk, dv;    // [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? dResidual1;    // ∂x1 [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? dUp, dGate;    // [H, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? dHidden1;      // ∂h1 [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? dInput;        // ∂x [D, N]

    public DeviceTokenBlock(
        Accelerator accelerator, DeviceTokenKernels kernels, TransformerBlockParts host, int context,
        (ArrayView<float> Cos, ArrayView<float> Sin)? rotary, LayerKernels attentionKernels, LayerKernels upKernels, LayerKernels downKernels)
    {
        this.accelerator = accelerator;
        this.kernels = kernels;
        this.context = context;
        this.rotary = rotary;
        var m = host.Matrices;
        width = m[0].Outputs;
        hidden = m[4].Outputs;
        heads = host.Heads;
        headDim = width / heads;
        var built = new List<IDisposable>();
        T Track<T>(T item)
            where T : IDisposable
        {
            built.Add(item);
            return item;
        }

        try
        {
            norm1 = Track(new DeviceTokenNorm(accelerator, kernels, host.Norm1));
            q = Track(new DeviceLayer(accelerator, m[0], attentionKernels));
            k = Track(new DeviceLayer(accelerator, m[1], attentionKernels));
            v = Track(new DeviceLayer(accelerator, m[2], attentionKernels));
            o = Track(new DeviceLayer(accelerator, m[3], attentionKernels));
            norm2 = Track(new DeviceTokenNorm(accelerator, kernels, host.Norm2));
            up = Track(new DeviceLayer(accelerator, m[4], upKernels));
            gate = host.IsSwiGlu ? Track(new DeviceLayer(accelerator, m[5], upKernels)) : null;
            down = Track(new DeviceLayer(accelerator, m[^1], downKernels));
        }
        catch
        {
            built.ForEach(b => b.Dispose()); // a refused format must not leak the buffers built before it
            throw;
        }

        Layers = gate is null ? [q, k, v, o, up, down] : [q, k, v, o, up, gate, down];
    }

    /// <summary>Q, K, V, O, Up, (Gate,) Down, as the host block lists them.</summary>
    public IReadOnlyList<DeviceLayer> Layers { get; }

    /// <summary>Every device parameter: the norms' and each matrix's weights and bias.</summary>
    public IEnumerable<DeviceParameter> Parameters =>
        norm1.Parameters.Concat(norm2.Parameters).Concat(Layers.SelectMany(l => new[] { l.Weights, l.Bias }));

    public IEnumerable<DeviceTokenNorm> Norms => [norm1, norm2];

    /// <summary>y [D, N] from x [D, N]; x must stay unchanged until <see cref="Backward"/>.</summary>
    public ArrayView<float> Forward(ArrayView<float> x, int tokens)
    {
        long size = (long)width * tokens, hiddenSize = (long)hidden * tokens, scores = (long)tokens * heads * context;
        var h1 = norm1.Forward(x, tokens);                                          // [D, N]
        var qOut = q.Forward(h1, tokens);                                           // [D, N]
        var kOut = k.Forward(h1, tokens);                                           // [D, N]
        var vOut = v.Forward(h1, tokens);                                           // [D, N]
        if (rotary is { } table)
        {
            kernels.Rotary(width / 2 * tokens, qOut, table.Cos, table.Sin, tokens, headDim, context, 1f);
            kernels.Rotary(width / 2 * tokens, kOut, table.Cos, table.Sin, tokens, headDim, context, 1f);
        }

        var a = DeviceTokenKernels.Ensure(accelerator, ref attention, size);        // [D, N]
        var p = DeviceTokenKernels.Ensure(accelerator, ref probabilities, scores);  // [B, H, T, T]
        kernels.AttentionForward(tokens / context * heads * context, qOut, kOut, vOut, a, p, heads, headDim, tokens, context);
        var x1 = DeviceTokenKernels.Ensure(accelerator, ref residual1, size);       // [D, N] = x + Wo·a
        DeviceTokenKernels.Copy(x, x1, size);
        kernels.ResidualAdd((int)size, x1, o.Forward(a, tokens));

        var h2 = norm2.Forward(x1, tokens);                                         // [D, N]
        var u = up.Forward(h2, tokens);                                             // [H, N]
        var g = DeviceTokenKernels.Ensure(accelerator, ref activated, hiddenSize);  // [H, N]
        if (gate is null)
        {
            kernels.GeluForward((int)hiddenSize, u, g);
        }
        else
        {
            kernels.SwiGluForward((int)hiddenSize, gate.Forward(h2, tokens), u, g);
        }

        var y = DeviceTokenKernels.Ensure(accelerator, ref output, size);           // [D, N] = x1 + Wdown·g
        DeviceTokenKernels.Copy(x1, y, size);
        kernels.ResidualAdd((int)size, y, down.Forward(g, tokens));
        return y;
    }

    /// <summary>
    /// From ∂loss/∂y [D, N] (left unchanged), fills every gradient of the block (the norms' accumulate: zero them first)
    /// and returns ∂loss/∂x [D, N], a buffer of this block's.
    /// </summary>
    public ArrayView<float> Backward(ArrayView<float> dy, int tokens)
    {
        long size = (long)width * tokens, hiddenSize = (long)hidden * tokens, scores = (long)tokens * heads * context;

        // y = x1 + Wdown·g: the residual passes dy to x1; the MLP branch gets dy too.
        var dg = down.Backward(dy, tokens, needInputGradient: true);               // ∂g [H, N]
        var du = DeviceTokenKernels.Ensure(accelerator, ref dUp, hiddenSize);       // ∂u [H, N]
        ArrayView<float> dh2;
        if (gate is null)
        {
            kernels.GeluBackward((int)hiddenSize, up.Output, dg, du);
            dh2 = up.Backward(du, tokens, needInputGradient: true);
        }
        else
        {
            var da = DeviceTokenKernels.Ensure(accelerator, ref dGate, hiddenSize);
            kernels.SwiGluBackward((int)hiddenSize, gate.Output, up.Output, dg, da, du);
            var fromUp = up.Backward(du, tokens, needInputGradient: true);
            kernels.ResidualAdd((int)size, fromUp, gate.Backward(da, tokens, needInputGradient: true));
            dh2 = fromUp;
        }

        var dx1 = DeviceTokenKernels.Ensure(accelerator, ref dResidual1, size);     // ∂x1 = dy + norm2ᵀ(∂h2)
        DeviceTokenKernels.Copy(dy, dx1, size);
        norm2.Backward(dh2, dx1, tokens, accumulate: true);

        // x1 = x + Wo·a.
        var dA = o.Backward(dx1, tokens, needInputGradient: true);                 // ∂a [D, N]
        var gq = DeviceTokenKernels.Ensure(accelerator, ref dq, size);
        var gk = DeviceTokenKernels.Ensure(accelerator, ref dk, size);
        var gv = DeviceTokenKernels.Ensure(accelerator, ref dv, size);
        var ds = DeviceTokenKernels.Ensure(accelerator, ref dScores, scores);
        int rows = tokens / context * heads * context;
        kernels.AttentionBackwardRows(rows, k.Output, v.Output, probabilities!.View, dA, ds, gq, heads, headDim, tokens, context);
        kernels.AttentionBackwardColumns(rows, q.Output, probabilities.View, ds, dA, gk, gv, heads, headDim, tokens, context);
        if (rotary is { } table)
        {
            kernels.Rotary(width / 2 * tokens, gq, table.Cos, table.Sin, tokens, headDim, context, -1f);
            kernels.Rotary(width / 2 * tokens, gk, table.Cos, table.Sin, tokens, headDim, context, -1f);
        }

        var dh1 = DeviceTokenKernels.Ensure(accelerator, ref dHidden1, size);       // ∂h1 = Wqᵀ·∂q + Wkᵀ·∂k + Wvᵀ·∂v
        DeviceTokenKernels.Copy(q.Backward(gq, tokens, needInputGradient: true), dh1, size);
        kernels.ResidualAdd((int)size, dh1, k.Backward(gk, tokens, needInputGradient: true));
        kernels.ResidualAdd((int)size, dh1, v.Backward(gv, tokens, needInputGradient: true));

        var dx = DeviceTokenKernels.Ensure(accelerator, ref dInput, size);          // ∂x = ∂x1 + norm1ᵀ(∂h1)
        DeviceTokenKernels.Copy(dx1, dx, size);
        norm1.Backward(dh1, dx, tokens, accumulate: true);
        return dx;
    }

    public void Dispose()
    {
        foreach (var item in new IDisposable?[]
                 {
                     norm1, norm2, q, k, v, o, up, gate, down, attention, probabilities, residual1, activated, output,
                     dScores, dq, dk, dv, dResidual1, dUp, dGate, dHidden1, dInput,
                 })
        {
            item?.Dispose();
        }
    }
}
