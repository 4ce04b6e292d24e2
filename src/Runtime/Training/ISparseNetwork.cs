namespace SparseDsl.Training;

/// <summary>
/// What the generator emits for a [SparseModel]: a network whose activations are feature-major
/// (<c>x[feature, batch]</c>, row-major), with forward and backward written out layer by layer.
/// </summary>
public interface ISparseNetwork : INetwork
{
    int InputSize { get; }

    int OutputSize { get; }

    /// <summary>Runs the batch <paramref name="input"/> [in, batch] and returns the output [out, batch].</summary>
    float[] Forward(float[] input, int batch);

    /// <summary>Back-propagates ∂loss/∂output [out, batch] from the last <see cref="Forward"/>, filling every <see cref="Parameter.Grad"/>.</summary>
    void Backward(float[] outputGradient, int batch);
}
