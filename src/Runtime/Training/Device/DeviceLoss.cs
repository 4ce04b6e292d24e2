using ILGPU;
using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// The declared loss on the device (softmax cross-entropy, or squared error onto one-hot labels): the gradient stays
/// there for the backward pass; only the per-sample loss and hit ([batch] each, a few bytes) come back, to report the step.
/// </summary>
internal sealed class DeviceLoss : IDisposable
{
    private readonly Accelerator accelerator;
    private readonly int classes;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int> kernel;
    private MemoryBuffer1D<int, Stride1D.Dense>? labels;    // [capacity]
    private MemoryBuffer1D<float, Stride1D.Dense>? gradient; // [classes, capacity]
    private MemoryBuffer1D<float, Stride1D.Dense>? loss;     // [capacity]
    private MemoryBuffer1D<int, Stride1D.Dense>? correct;    // [capacity]
    private float[] hostLoss = [];
    private int[] hostCorrect = [];
    private int capacity;

    public DeviceLoss(Accelerator accelerator, Loss kind, int classes)
    {
        if (LossFunctions.Unsupported(kind) is string unsupported)
        {
            throw new NotSupportedException(unsupported);
        }

        this.accelerator = accelerator;
        this.classes = classes;
        kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int>(
            kind == Loss.MeanSquaredError ? RuntimeKernels.MeanSquaredErrorOneHot : RuntimeKernels.SoftmaxCrossEntropy);
    }

    /// <summary>
    /// The summed loss and hits of <paramref name="logits"/> [classes, batch] (the output layer's values) against
    /// <paramref name="batchLabels"/>, and the view ∂(mean loss)/∂logits [classes, batch] on the device.
    /// </summary>
    public (double LossSum, int Correct, ArrayView<float> Gradient) Compute(ArrayView<float> logits, ReadOnlySpan<int> batchLabels, int batch)
    {
        EnsureCapacity(batch);
        foreach (int label in batchLabels[..batch])
        {
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(batchLabels), label, $"a label is outside [0, {classes})");
            }
        }

        labels!.View.AsContiguous().SubView(0, batch).CopyFromCPU(batchLabels[..batch]);
        kernel(batch, logits, labels.View, gradient!.View, loss!.View, correct!.View, classes, batch);
        accelerator.Synchronize();
        loss.View.AsContiguous().SubView(0, batch).CopyToCPU(hostLoss.AsSpan(0, batch));
        correct.View.AsContiguous().SubView(0, batch).CopyToCPU(hostCorrect.AsSpan(0, batch));
        double sum = 0;
        int hits = 0;
        for (int b = 0; b < batch; b++)
        {
            sum += hostLoss[b];
            hits += hostCorrect[b];
        }

        return (sum, hits, gradient.View);
    }

    public void Dispose()
    {
        labels?.Dispose();
        gradient?.Dispose();
        loss?.Dispose();
        correct?.Dispose();
    }

    private void EnsureCapacity(int batch)
    {
        if (batch <= capacity)
        {
            return;
        }

        Dispose();
        labels = accelerator.Allocate1D<int>(batch);
        gradient = accelerator.Allocate1D<float>((long)classes * batch);
        loss = accelerator.Allocate1D<float>(batch);
        correct = accelerator.Allocate1D<int>(batch);
        hostLoss = new float[batch];
        hostCorrect = new int[batch];
        capacity = batch;
    }
}
