using SparseDsl.Data;
using SparseDsl.Training;

namespace SparseDsl.Bench;

/// <summary>
/// One batch of Fashion-MNIST in a trainer's buffers, and the <see cref="Trainer"/>'s step over it without the loop:
/// forward, loss, backward, optimizer; after a topology update, the extra forward for the loss on the same batch.
/// </summary>
internal sealed class DstBatch
{
    private readonly ISparseNetwork network;
    private readonly float[] x;        // [in, batch]
    private readonly int[] labels;     // [batch]
    private readonly float[] gradient; // [out, batch]

    /// <summary><see cref="DstStudy.Batch"/> train samples drawn with <paramref name="seed"/>.</summary>
    internal DstBatch(ISparseNetwork network, Dataset data, int seed)
    {
        this.network = network;
        int batch = DstStudy.Batch;
        x = new float[network.InputSize * batch];
        labels = new int[batch];
        gradient = new float[network.OutputSize * batch];
        int[] all = Enumerable.Range(0, data.Train.Count).ToArray();
        new Random(seed).Shuffle(all);
        data.Train.FillBatch(all.AsSpan(0, batch), x, labels);
    }

    /// <summary>x [in, batch].</summary>
    internal float[] Inputs => x;

    /// <summary>∂loss/∂logits [out, batch] of the last <see cref="Loss"/>.</summary>
    internal float[] LossGradient => gradient;

    /// <summary>The trainer's step: forward, loss, backward, optimizer step; the batch-mean loss.</summary>
    internal double Train(IOptimizer optimizer, int step)
    {
        double loss = Loss(network.Forward(x, DstStudy.Batch));
        network.Backward(gradient, DstStudy.Batch);
        optimizer.Step(step);
        return loss;
    }

    /// <summary>What the trainer runs after a topology update: a forward and the loss on the same batch (no backward).</summary>
    internal double LossAfterUpdate() => Loss(network.Forward(x, DstStudy.Batch));

    /// <summary>Batch-mean loss of <paramref name="logits"/>; writes <see cref="LossGradient"/>.</summary>
    internal double Loss(float[] logits) =>
        LossFunctions.Compute(SparseDsl.Loss.SoftmaxCrossEntropy, logits, labels, network.OutputSize, DstStudy.Batch, gradient).LossSum / DstStudy.Batch;
}

/// <summary>
/// One weight layer seen as a network of its own: <see cref="DynamicSparsity"/> over it updates that layer alone, by the
/// same code path as in training (drop fraction, seed per (layer, step), <c>MaskUpdater.Plan</c>, <c>SparseWeight.Apply</c>).
/// Only <see cref="Layers"/> is read by <see cref="DynamicSparsity.For"/>; forward and backward go to the layer.
/// </summary>
internal sealed class SingleLayerView(Linear layer) : ISparseNetwork
{
    public int InputSize => layer.Inputs;

    public int OutputSize => layer.Outputs;

    public IReadOnlyList<Layer> Layers { get; } = [layer];

    public IReadOnlyList<Parameter> Parameters => layer.Parameters;

    public float[] Forward(float[] input, int batch) => layer.Forward(input, batch);

    public void Backward(float[] outputGradient, int batch) => layer.Backward(outputGradient, batch, needInputGradient: false);
}
