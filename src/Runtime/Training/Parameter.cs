namespace SparseDsl.Training;

/// <summary>
/// A trainable array (dense weights, CSR values or a bias) with its gradient beside it. Optimizer state is
/// allocated with the same length, so state memory follows the number of stored (active) values.
/// </summary>
public sealed class Parameter(string name, float[] values, bool decays)
{
    public string Name { get; } = name;

    /// <summary>Stored values: for a sparse weight only the active ones.</summary>
    public float[] Values { get; } = values;

    /// <summary>∂loss/∂Values, written by the backward pass.</summary>
    public float[] Grad { get; } = new float[values.Length];

    /// <summary>Whether weight decay applies (weights yes, biases no).</summary>
    public bool Decays { get; } = decays;

    /// <summary>Density of the weight matrix this parameter belongs to (1 for dense weights and biases).</summary>
    public double Density { get; init; } = 1.0;

    public int Length => Values.Length;
}
