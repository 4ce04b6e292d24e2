using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// One weight layer on the device: its parameters, gradients and activations in device buffers, run through the
/// generated kernels of its storage (<see cref="DeviceStorage"/>: dense, CSR or block-CSR, as the host weight's
/// format is). Activations are feature-major [features, batch] as on the CPU; buffers are sized for the largest batch
/// seen, and the kernels index with the current batch.
/// </summary>
internal sealed class DeviceLayer : ILinearPass<ArrayView<float>>, IDisposable
{
    private readonly Accelerator accelerator;
    private readonly int inputs;
    private readonly int outputs;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> biasGradient;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>>? activationBackward;
    private readonly Linear host;
    private readonly LayerKernels kernels;
    private DeviceStorage storage;
    private int uploadedVersion;
    private MemoryBuffer1D<float, Stride1D.Dense>? output;        // [out, capacity]
    private MemoryBuffer1D<float, Stride1D.Dense>? inputGradient; // [in, capacity]
    private ArrayView<float> lastInput;                           // [in, batch], kept from Forward for Backward
    private ArrayView<float> lastGradient;                        // [out, batch], ∂loss/∂z of the last Backward
    private int lastBatch;
    private int capacity;

    public DeviceLayer(Accelerator accelerator, Linear layer, LayerKernels kernels)
    {
        this.accelerator = accelerator;
        this.kernels = kernels;
        host = layer;
        inputs = layer.Inputs;
        outputs = layer.Outputs;
        var activationSet = layer.Activation == Activation.None
            ? null
            : kernels.ActivationBackward ?? throw new ArgumentException($"{layer.Name} has activation {layer.Activation} but no generated ActivationBackward kernel.", nameof(kernels));

        // The storage first: a format without kernels is refused before any parameter buffer exists, so it leaks nothing.
        storage = DeviceStorage.Create(accelerator, layer, kernels, previous: null);
        try
        {
            // Linear.Parameters is (weights, bias) for every storage.
            Weights = new DeviceParameter(accelerator, layer.Parameters[0]);
            Bias = new DeviceParameter(accelerator, layer.Parameters[1]);
        }
        catch
        {
            storage.Dispose();
            Weights?.Dispose();
            throw;
        }

        biasGradient = accelerator.LoadAutoGroupedStreamKernel(kernels.BiasGradient);
        if (activationSet is not null)
        {
            activationBackward = accelerator.LoadAutoGroupedStreamKernel(activationSet);
        }

        uploadedVersion = layer.Weight.Version;
    }

    /// <summary>The host layer this was copied from; its weight is where topology changes happen.</summary>
    public Linear Host => host;

    public DeviceParameter Weights { get; }

    /// <summary>The last <see cref="Forward"/>'s output [out, batch] (a transformer's activations read it in backward).</summary>
    public ArrayView<float> Output => output!.View;

    public DeviceParameter Bias { get; }

    /// <summary>y[out, batch] = act(W · x[in, batch] + b); the returned view is reused by the next call.</summary>
    public ArrayView<float> Forward(ArrayView<float> x, int batch)
    {
        EnsureCapacity(batch);
        lastInput = x;
        lastBatch = batch;
        ArrayView<float> y = output!.View;
        storage.Forward(Weights.Values.View, Bias.Values.View, x, y, batch);
        return y;
    }

    /// <summary>
    /// From ∂loss/∂y [out, batch] (overwritten with ∂loss/∂z) fills the weight and bias gradients; returns ∂loss/∂x
    /// [in, batch] when <paramref name="needInputGradient"/>, else an empty view.
    /// </summary>
    public ArrayView<float> Backward(ArrayView<float> dy, int batch, bool needInputGradient)
    {
        activationBackward?.Invoke(outputs * batch, output!.View, dy);
        lastGradient = dy;
        biasGradient(outputs, dy, Bias.Grad.View, batch);
        ArrayView<float> dx = needInputGradient ? inputGradient!.View : default;
        storage.WeightGradient(dy, lastInput, Weights.Grad.View, batch);
        if (needInputGradient)
        {
            storage.InputGradient(Weights.Values.View, dy, dx, batch);
        }

        return dx;
    }

    /// <summary>∂loss/∂x of a block's matrix (always needed there).</summary>
    ArrayView<float> ILinearPass<ArrayView<float>>.Backward(ArrayView<float> dy, int tokens) => Backward(dy, tokens, needInputGradient: true);

    /// <summary>Values, gradients and optimizer state of both parameters into the host layer, before a topology change there.</summary>
    public void DownloadForUpdate()
    {
        Weights.DownloadAll();
        Bias.DownloadAll();
    }

    /// <summary>
    /// After a topology change of the host weight: its index arrays, values and optimizer state uploaded into buffers of
    /// the new size (the bias is untouched on the device, its download was a copy). Nothing when the topology is unchanged.
    /// </summary>
    public void UploadAfterUpdate()
    {
        if (host.Weight.Version == uploadedVersion)
        {
            return;
        }

        UploadTopology();
        Weights.UploadAll();
    }

    /// <summary>
    /// The host weight's index arrays uploaded into a storage of its format, whatever its version: a resumed run's
    /// restored topology (its parameters' values and state are uploaded apart, by <see cref="DeviceParameter.UploadAll"/>).
    /// </summary>
    public void UploadTopology()
    {
        // A format can change kind here (gradual pruning takes a layer from dense to sparse): the new storage is
        // built, and refused if need be, before the old one goes.
        DeviceStorage next = DeviceStorage.Create(accelerator, host, kernels, storage);
        if (!ReferenceEquals(next, storage))
        {
            storage.Dispose();
            storage = next;
        }

        uploadedVersion = host.Weight.Version;
    }

    /// <summary>
    /// RigL's grow score of the last backward (the same product as <see cref="Linear.CaptureDenseGradient"/> on the host),
    /// from the layer's input and ∂loss/∂z copied off the device now.
    /// </summary>
    public Sparse.DenseGradientRows CaptureDenseGradient()
    {
        int batch = lastBatch;
        var x = new float[(long)inputs * batch];   // [in, batch]
        var dz = new float[(long)outputs * batch]; // [out, batch]
        lastInput.SubView(0, x.Length).CopyToCPU(x);
        lastGradient.SubView(0, dz.Length).CopyToCPU(dz);
        var packed = new Kernels.Gemm.PackedOperand();
        packed.Pack(transposeB: true, inputs, batch, x);
        return (firstRow, rowCount, buffer) => Linear.GradientRows(dz, packed, firstRow, rowCount, buffer);
    }

    public void Dispose()
    {
        Weights.Dispose();
        Bias.Dispose();
        storage.Dispose();
        output?.Dispose();
        inputGradient?.Dispose();
    }

    private void EnsureCapacity(int batch)
    {
        if (batch <= capacity)
        {
            return;
        }

        output?.Dispose();
        inputGradient?.Dispose();
        output = accelerator.Allocate1D<float>((long)outputs * batch);
        inputGradient = accelerator.Allocate1D<float>((long)inputs * batch);
        capacity = batch;
    }
}
