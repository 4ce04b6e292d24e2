using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// A generated language model on an accelerator: the CPU network's parameters (so both backends start from the same
/// initialization) in device buffers, driven in the CPU orchestration's order (<see cref="TokenNetwork{TAttention, TUp, TDown}"/>):
/// <code>
/// x0 = E[ids] (+ P[t])        [D, N]    N = sequences · T
/// x_l = block_l(x_{l−1})      [D, N]
/// h  = norm(x_L)              [D, N]
/// logits = E·h (or W·h)       [V, N]    softmax cross-entropy against the next tokens
/// </code>
/// The block matrices run through the generated GpuKernels of their shape, everything else through
/// <see cref="TransformerKernels"/>. Built by the generated <c>CreateDeviceNetwork(Accelerator)</c>; the CPU network is
/// not touched until <see cref="CopyToHost"/> or a topology update's download.
/// </summary>
public sealed class DeviceTokenNetwork : IDeviceTopology, IDisposable
{
    private readonly DeviceTokenKernels kernels;
    private readonly DeviceParameter table;       // E [V, D]
    private readonly DeviceParameter? positions;  // P [T, D]
    private readonly DeviceParameter? headTable;  // W [V, D], untied heads only
    private readonly DeviceTokenBlock[] blocks;
    private readonly DeviceTokenNorm final;
    private readonly DeviceLoss loss;
    private readonly DeviceParameter[] parameters;
    private MemoryBuffer1D<int, Stride1D.Dense>? ids;             // [N]
    private MemoryBuffer1D<float, Stride1D.Dense>? embedded;      // x0 [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? logits;        // [V, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? dFinal;        // ∂h [D, N]
    private MemoryBuffer1D<float, Stride1D.Dense>? dLast;         // ∂x_L [D, N]
    private ArrayView<float> lastHidden;                          // h [D, N] of the last forward

    private DeviceTokenNetwork(Accelerator accelerator, ITokenNetwork host, ITokenNetworkParts parts, IReadOnlyList<LayerKernels> blockKernels)
    {
        Accelerator = accelerator;
        Host = host;
        var owned = new List<IDisposable>();
        try
        {
            kernels = Own(new DeviceTokenKernels(accelerator, parts.Blocks.FirstOrDefault()?.Rotary));
            table = Own(new DeviceParameter(accelerator, parts.Table));
            positions = parts.Positions is { } p ? Own(new DeviceParameter(accelerator, p)) : null;
            headTable = parts.HeadTable is { } w ? Own(new DeviceParameter(accelerator, w)) : null;
            blocks = [.. parts.Blocks.Select(b => Own(new DeviceTokenBlock(accelerator, kernels, b, host.Context, blockKernels[0], blockKernels[1], blockKernels[2])))];
            final = Own(new DeviceTokenNorm(accelerator, kernels, parts.Final));
            loss = Own(new DeviceLoss(accelerator, Loss.SoftmaxCrossEntropy, host.Vocab));
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }

        // In the host's Parameters order, so the optimizer, checkpoints and CopyToHost line up one to one.
        var byHost = new Dictionary<Parameter, DeviceParameter>(ReferenceEqualityComparer.Instance);
        foreach (var device in new[] { table, positions, headTable }.OfType<DeviceParameter>().Concat(blocks.SelectMany(b => b.Parameters)).Concat(final.Parameters))
        {
            byHost.Add(device.Host, device);
        }

        parameters = [.. host.Parameters.Select(p => byHost.TryGetValue(p, out var d) ? d : throw new ArgumentException($"{p.Name} has no device copy", nameof(host)))];
        if (byHost.Count != parameters.Length)
        {
            Dispose();
            throw new ArgumentException($"the device network has {byHost.Count} parameters, the CPU network {parameters.Length}", nameof(host));
        }

        T Own<T>(T item)
            where T : IDisposable
        {
            owned.Add(item);
            return item;
        }
    }

    public Accelerator Accelerator { get; }

    /// <summary>The CPU network this was copied from (sizes, parameters, matrices, and where topology changes happen).</summary>
    public ITokenNetwork Host { get; }

    /// <summary>Every trainable array on the device, in the host's <see cref="INetwork.Parameters"/> order.</summary>
    public IReadOnlyList<DeviceParameter> Parameters => parameters;

    private IEnumerable<DeviceLayer> Layers => blocks.SelectMany(b => b.Layers);

    private int Width => Host.Width;

    /// <summary>
    /// Puts <paramref name="host"/> (a runtime <see cref="TokenNetwork{TAttention, TUp, TDown}"/>) on
    /// <paramref name="accelerator"/>, its block matrices run by <paramref name="blockKernels"/>: the generated kernels
    /// of the D → D, D → H and H → D shapes, in that order.
    /// </summary>
    public static DeviceTokenNetwork Create(Accelerator accelerator, ITokenNetwork host, IReadOnlyList<LayerKernels> blockKernels)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(blockKernels);
        if (host is not ITokenNetworkParts parts)
        {
            throw new ArgumentException($"{host.GetType().Name} is not a runtime TokenNetwork", nameof(host));
        }

        if (blockKernels.Count != 3)
        {
            throw new ArgumentException($"a block needs the kernels of 3 matrix shapes (D→D, D→H, H→D); got {blockKernels.Count}", nameof(blockKernels));
        }

        return new DeviceTokenNetwork(accelerator, host, parts, blockKernels);
    }

    /// <summary>One training step's passes on the device (as <see cref="ITokenNetwork.ForwardBackward"/>): the mean token loss.</summary>
    public double ForwardBackward(int[] ids, int[] targets, int sequences)
    {
        int n = Forward(ids, targets, sequences);
        var (sum, _, dLogits) = loss.Compute(logits!.View, targets, n);     // ∂(mean loss)/∂logits [V, N]
        table.Grad.MemSetToZero();
        positions?.Grad.MemSetToZero();
        headTable?.Grad.MemSetToZero();
        foreach (var norm in blocks.SelectMany(b => b.Norms).Append(final))
        {
            norm.ZeroGradients();
        }

        var head = headTable ?? table;
        var dh = DeviceTokenKernels.Ensure(Accelerator, ref dFinal, (long)Width * n);
        kernels.HeadInputGradient(new Index2D(n, Width), head.Values.View, dLogits, dh, Host.Vocab, Width, n);
        kernels.HeadTableGradient(new Index2D(Width, Host.Vocab), dLogits, lastHidden, head.Grad.View, Width, n);
        var dx = DeviceTokenKernels.Ensure(Accelerator, ref dLast, (long)Width * n);
        final.Backward(dh, dx, n, accumulate: false);                        // ∂x_L [D, N]
        for (int l = blocks.Length - 1; l >= 0; l--)
        {
            dx = blocks[l].Backward(dx, n);
        }

        var positionsGrad = positions?.Grad.View ?? table.Grad.View;        // any view when there are none: never written
        kernels.EmbeddingBackward(Width, this.ids!.View, dx, table.Grad.View, positionsGrad, Width, n, Host.Context, positions is null ? 0 : 1);
        return sum / n;
    }

    /// <summary>The forward pass only: the mean token loss and how many targets were the arg-max prediction.</summary>
    public (double Loss, long Correct) Evaluate(int[] ids, int[] targets, int sequences)
    {
        int n = Forward(ids, targets, sequences);
        var (sum, hits, _) = loss.Compute(logits!.View, targets, n);
        return (sum / n, hits);
    }

    /// <summary>Before a topology change on the host: every matrix's values, gradients and optimizer state copied into the CPU network.</summary>
    public void DownloadForUpdate() =>
        DeviceLayers.DownloadForUpdate(Accelerator, Layers);

    /// <summary>After a topology change on the host: the matrices whose weight changed are uploaded again.</summary>
    public void UploadAfterUpdate() =>
        DeviceLayers.UploadAfterUpdate(Layers);

    /// <summary>Every matrix's index arrays uploaded from its host weight, whatever its version (a resumed run's restored topology).</summary>
    internal void UploadTopology() =>
        DeviceLayers.UploadTopology(Layers);

    /// <summary>RigL's dense gradient rows of every matrix from the last backward, copied to the host now; looked up by host matrix.</summary>
    public Func<Linear, Sparse.DenseGradientRows> CaptureDenseGradients() =>
        DeviceLayers.CaptureDenseGradients(Accelerator, Layers);

    /// <summary>Waits for the device, then copies every parameter's values and gradient into the CPU network.</summary>
    public void CopyToHost() =>
        DeviceLayers.CopyToHost(Accelerator, parameters);

    public void Dispose()
    {
        foreach (var item in new IDisposable?[] { table, positions, headTable, final, loss, kernels, ids, embedded, logits, dFinal, dLast }
                     .Concat(blocks ?? []))
        {
            item?.Dispose();
        }
    }

    /// <summary>Logits [V, N] of the tokens (in the loss's input buffer); returns N.</summary>
    private int Forward(int[] tokenIds, int[] targets, int sequences)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        int n = checked(sequences * Host.Context);
        if (tokenIds.Length < n || targets.Length < n)
        {
            throw new ArgumentException($"{sequences} sequences of {Host.Context} tokens need {n} ids and targets; got {tokenIds.Length} and {targets.Length}");
        }

        var idView = DeviceTokenKernels.Ensure(Accelerator, ref ids, n);
        idView.SubView(0, n).CopyFromCPU(tokenIds.AsSpan(0, n));
        var x = DeviceTokenKernels.Ensure(Accelerator, ref embedded, (long)Width * n);   // x0 [D, N]
        kernels.EmbeddingForward(Width * n, idView, table.Values.View, positions?.Values.View ?? table.Values.View, x, Width, n, Host.Context, positions is null ? 0 : 1);
        foreach (var block in blocks)
        {
            x = block.Forward(x, n);                                                    // x_l [D, N]
        }

        lastHidden = final.Forward(x, n);                                               // h [D, N]
        var z = DeviceTokenKernels.Ensure(Accelerator, ref logits, (long)Host.Vocab * n); // [V, N]
        kernels.HeadLogits(new Index2D(n, Host.Vocab), (headTable ?? table).Values.View, lastHidden, z, Width, n);
        return n;
    }
}
