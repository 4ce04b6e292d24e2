using ILGPU;
using ILGPU.Runtime;
using SparseDsl.Sparse;

namespace SparseDsl.Training.Device;

/// <summary>
/// One weight layer on the device: its parameters, gradients and activations in device buffers, run through the
/// generated kernels of its storage (dense or CSR). Activations are feature-major [features, batch] as on the CPU;
/// buffers are sized for the largest batch seen, and the kernels index with the current batch.
/// </summary>
internal sealed class DeviceLayer : IDisposable
{
    private readonly Accelerator accelerator;
    private readonly int inputs;
    private readonly int outputs;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> biasGradient;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>>? activationBackward;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? denseForward;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? denseWeightGradient;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? denseInputGradient;
    private readonly Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? sparseForward;
    private readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? sparseWeightGradient;
    private readonly Action<Index2D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? sparseInputGradient;
    private readonly Linear host;
    private readonly DenseKernelSet? denseSet;
    private readonly SparseKernelSet? sparseSet;
    private CsrBuffers? csr;
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
        host = layer;
        inputs = layer.Inputs;
        outputs = layer.Outputs;
        denseSet = kernels.Dense;
        sparseSet = kernels.Sparse;
        // The kernel sets are checked before any device buffer exists, so a mismatch leaks nothing.
        CheckKernels(layer);
        var activationSet = layer.Activation == Activation.None
            ? null
            : kernels.ActivationBackward ?? throw new ArgumentException($"{layer.Name} has activation {layer.Activation} but no generated ActivationBackward kernel.", nameof(kernels));

        // Linear.Parameters is (weights, bias) for every storage.
        Weights = new DeviceParameter(accelerator, layer.Parameters[0]);
        Bias = new DeviceParameter(accelerator, layer.Parameters[1]);
        biasGradient = accelerator.LoadAutoGroupedStreamKernel(kernels.BiasGradient);
        if (activationSet is not null)
        {
            activationBackward = accelerator.LoadAutoGroupedStreamKernel(activationSet);
        }

        if (sparseSet is not null)
        {
            sparseForward = accelerator.LoadAutoGroupedStreamKernel(sparseSet.Forward);
            sparseWeightGradient = accelerator.LoadAutoGroupedStreamKernel(sparseSet.WeightGradient);
            sparseInputGradient = accelerator.LoadAutoGroupedStreamKernel(sparseSet.InputGradient);
        }

        if (denseSet is not null)
        {
            denseForward = accelerator.LoadAutoGroupedStreamKernel(denseSet.Forward);
            denseWeightGradient = accelerator.LoadAutoGroupedStreamKernel(denseSet.WeightGradient);
            denseInputGradient = accelerator.LoadAutoGroupedStreamKernel(denseSet.InputGradient);
        }

        csr = layer.Weight.Format.AsCsr() is { } matrix ? new CsrBuffers(accelerator, matrix) : null;
        uploadedVersion = layer.Weight.Version;
    }

    /// <summary>The host layer this was copied from; its weight is where topology changes happen.</summary>
    public Linear Host => host;

    public DeviceParameter Weights { get; }

    public DeviceParameter Bias { get; }

    /// <summary>y[out, batch] = act(W · x[in, batch] + b); the returned view is reused by the next call.</summary>
    public ArrayView<float> Forward(ArrayView<float> x, int batch)
    {
        EnsureCapacity(batch);
        lastInput = x;
        lastBatch = batch;
        ArrayView<float> y = output!.View;
        var extent = new Index2D(batch, outputs);
        if (csr is not null)
        {
            sparseForward!(extent, csr.RowStart.View, csr.Column.View, Weights.Values.View, Bias.Values.View, x, y, batch);
        }
        else
        {
            denseForward!(extent, Weights.Values.View, Bias.Values.View, x, y, batch);
        }

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
        if (csr is not null)
        {
            sparseWeightGradient!(csr.Nnz, csr.Row.View, csr.Column.View, dy, lastInput, Weights.Grad.View, batch);
            if (needInputGradient)
            {
                sparseInputGradient!(new Index2D(batch, inputs), csr.ColumnStart.View, csr.TransposedRow.View, csr.TransposedValue.View, Weights.Values.View, dy, dx, batch);
            }
        }
        else
        {
            denseWeightGradient!(new Index2D(inputs, outputs), dy, lastInput, Weights.Grad.View, batch);
            if (needInputGradient)
            {
                denseInputGradient!(new Index2D(batch, inputs), Weights.Values.View, dy, dx, batch);
            }
        }

        return dx;
    }

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

        CheckKernels(host);
        Weights.UploadAll();
        csr?.Dispose();
        csr = host.Weight.Format.AsCsr() is { } matrix ? new CsrBuffers(accelerator, matrix) : null;
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
        return (firstRow, rowCount, buffer) => Linear.AbsoluteGradientRows(dz, x, inputs, batch, firstRow, rowCount, buffer);
    }

    public void Dispose()
    {
        Weights.Dispose();
        Bias.Dispose();
        csr?.Dispose();
        output?.Dispose();
        inputGradient?.Dispose();
    }

    private void CheckKernels(Linear layer)
    {
        var format = layer.Weight.Format;
        if (!format.IsDense && format.AsCsr() is null)
        {
            throw new NotSupportedException($"{layer.Name} is a {layer.Weight.Layout.Pattern.ToString().ToLowerInvariant()} layer; the device backends run dense, unstructured and N:M (CSR) layers only in this version; use --backend cpu");
        }

        if (format.IsDense && denseSet is null)
        {
            throw new ArgumentException($"{layer.Name} is dense but the generator emitted no dense kernels for it.");
        }

        if (format.AsCsr() is not null && sparseSet is null)
        {
            throw new ArgumentException($"{layer.Name} is sparse but the generator emitted no CSR kernels for it.");
        }
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

    /// <summary>The CSR index arrays of a sparse layer, plus the per-value row the weight-gradient kernel needs and the transpose map of the dX gather.</summary>
    private sealed class CsrBuffers : IDisposable
    {
        public CsrBuffers(Accelerator accelerator, CsrMatrix matrix)
        {
            Nnz = matrix.Nnz;
            var row = new int[matrix.Nnz];
            for (int o = 0; o < matrix.Rows; o++)
            {
                Array.Fill(row, o, matrix.RowPtr[o], matrix.RowPtr[o + 1] - matrix.RowPtr[o]);
            }

            // The device gathers dX by column (no atomics), so it keeps the transpose map the CPU's scatter does without.
            CsrTransposeMap transpose = matrix.Transpose();
            RowStart = accelerator.Allocate1D(matrix.RowPtr);               // [out + 1]
            Column = accelerator.Allocate1D(matrix.ColIdx);                 // [nnz]
            Row = accelerator.Allocate1D(row);                              // [nnz]
            ColumnStart = accelerator.Allocate1D(transpose.Ptr);            // [in + 1]
            TransposedRow = accelerator.Allocate1D(transpose.Rows);         // [nnz]
            TransposedValue = accelerator.Allocate1D(transpose.Positions);  // [nnz]
        }

        public int Nnz { get; }

        public MemoryBuffer1D<int, Stride1D.Dense> RowStart { get; }

        public MemoryBuffer1D<int, Stride1D.Dense> Column { get; }

        public MemoryBuffer1D<int, Stride1D.Dense> Row { get; }

        public MemoryBuffer1D<int, Stride1D.Dense> ColumnStart { get; }

        public MemoryBuffer1D<int, Stride1D.Dense> TransposedRow { get; }

        public MemoryBuffer1D<int, Stride1D.Dense> TransposedValue { get; }

        public void Dispose()
        {
            RowStart.Dispose();
            Column.Dispose();
            Row.Dispose();
            ColumnStart.Dispose();
            TransposedRow.Dispose();
            TransposedValue.Dispose();
        }
    }
}
