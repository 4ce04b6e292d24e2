namespace SparseDsl.Training;

/// <summary>The [Input] layer: provides <c>size</c> features per sample, has no weights.</summary>
public sealed class InputLayer(string name, int size) : Layer(name, size, size)
{
    public override long DenseWeights => 0;

    public override long ActiveWeights => 0;
}
