using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// A generated language model on an accelerator: the CPU network's parameters (so both backends start from the same
/// initialization) in device buffers, run by the orchestration both backends share (<see cref="TokenPass{T}"/>);
/// its ends here are the embedding kernel and the head's logits [V, N] (E·h or W·h) with the softmax cross-entropy.
/// The block matrices run through the generated GpuKernels of their shape, everything else through
/// <see cref="TransformerKernels"/>. Built by the generated <c>CreateDeviceNetwork(Accelerator)</c>; the CPU network is
/// not touched until <see cref="CopyToHost"/> or a topology update's download.
/// </summary>
public sealed class DeviceTokenNetwork : IDeviceTopology, ITokenEnds<ArrayView<float>>, IDisposable
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
    private readonly TokenPass<ArrayView<float>> pass;

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
            pass = new TokenPass<ArrayView<float>>(
                this, [.. blocks.Select(b => b.Pass)], final, [.. blocks.SelectMany(b => b.Norms), final], Own(kernels.NewScratch(2)), host.Width, host.Context);

            // In the host's Parameters order, so the optimizer, checkpoints and CopyToHost line up one to one.
            var byHost = new Dictionary<Parameter, DeviceParameter>(ReferenceEqualityComparer.Instance);
            foreach (var device in new[] { table, positions, headTable }.OfType<DeviceParameter>().Concat(blocks.SelectMany(b => b.Parameters)).Concat(final.Parameters))
            {
                byHost.Add(device.Host, device);
            }

            parameters = [.. host.Parameters.Select(p => byHost.TryGetValue(p, out var d) ? d : throw new ArgumentException($"{p.Name} has no device copy", nameof(host)))];
            if (byHost.Count != parameters.Length)
            {
                throw new ArgumentException($"the device network has {byHost.Count} parameters, the CPU network {parameters.Length}", nameof(host));
            }
        }
        catch
        {
            owned.ForEach(o => o.Dispose()); // nothing built before a failure is left on the device
            throw;
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
    public double ForwardBackward(int[] ids, int[] targets, int sequences) => pass.ForwardBackward(ids, targets, sequences);

    /// <summary>The forward pass only: the mean token loss and how many targets were the arg-max prediction.</summary>
    public (double Loss, long Correct) Evaluate(int[] ids, int[] targets, int sequences) => pass.Evaluate(ids, targets, sequences);

    ArrayView<float> ITokenEnds<ArrayView<float>>.Embed(int[] tokenIds, int tokens)
    {
        var idView = DeviceTokenKernels.Ensure(Accelerator, ref ids, tokens);
        idView.SubView(0, tokens).CopyFromCPU(tokenIds.AsSpan(0, tokens));
        var x = DeviceTokenKernels.Ensure(Accelerator, ref embedded, (long)Width * tokens);   // x0 [D, N]
        kernels.EmbeddingForward(Width * tokens, idView, table.Values.View, positions?.Values.View ?? table.Values.View, x, Width, tokens, Host.Context, positions is null ? 0 : 1);
        return x;
    }

    void ITokenEnds<ArrayView<float>>.EmbedBackward(int[] tokenIds, ArrayView<float> dx, int tokens)
    {
        var positionsGrad = positions?.Grad.View ?? table.Grad.View; // any view when there are none: never written
        kernels.EmbeddingBackward(Width, ids!.View, dx, table.Grad.View, positionsGrad, Width, tokens, Host.Context, positions is null ? 0 : 1);
    }

    double ITokenEnds<ArrayView<float>>.HeadForwardBackward(ArrayView<float> h, int[] targets, ArrayView<float> dh, int tokens)
    {
        var head = headTable ?? table;
        var (sum, _, dLogits) = loss.Compute(Logits(h, tokens), targets, tokens);           // ∂(mean loss)/∂logits [V, N]
        kernels.HeadInputGradient(new Index2D(tokens, Width), head.Values.View, dLogits, dh, Host.Vocab, Width, tokens);
        kernels.HeadTableGradient(new Index2D(Width, Host.Vocab), dLogits, h, head.Grad.View, Width, tokens);
        return sum / tokens;
    }

    (double Loss, long Correct) ITokenEnds<ArrayView<float>>.HeadEvaluate(ArrayView<float> h, int[] targets, int tokens)
    {
        var (sum, hits, _) = loss.Compute(Logits(h, tokens), targets, tokens);
        return (sum / tokens, hits);
    }

    void ITokenEnds<ArrayView<float>>.ZeroGradients()
    {
        table.Grad.MemSetToZero();
        positions?.Grad.MemSetToZero();
        headTable?.Grad.MemSetToZero();
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

    /// <summary>RigL's dense gradient rows of the matrices in <paramref name="only"/> from the last backward, copied to the host now.</summary>
    Func<Linear, Sparse.DenseGradientRows> IDeviceTopology.CaptureDenseGradients(IReadOnlyList<Linear> only) =>
        DeviceLayers.CaptureDenseGradients(Accelerator, Layers, only);

    /// <summary>Waits for the device, then copies every parameter's values and gradient into the CPU network.</summary>
    public void CopyToHost() =>
        DeviceLayers.CopyToHost(Accelerator, parameters);

    public void Dispose()
    {
        foreach (var item in new IDisposable?[] { pass, table, positions, headTable, final, loss, kernels, ids, embedded, logits }
                     .Concat(blocks ?? []))
        {
            item?.Dispose();
        }
    }

    /// <summary>logits [V, N] = E·h (or W·h), in the loss's input buffer.</summary>
    private ArrayView<float> Logits(ArrayView<float> h, int tokens)
    {
        var z = DeviceTokenKernels.Ensure(Accelerator, ref logits, (long)Host.Vocab * tokens);
        kernels.HeadLogits(new Index2D(tokens, Host.Vocab), (headTable ?? table).Values.View, h, z, Width, tokens);
        return z;
    }
}
