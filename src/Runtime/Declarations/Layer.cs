namespace SparseDsl;

/// <summary>
/// One layer of a generated network. A model's partial properties return these, so
/// <c>model.Hidden2.Density</c> and <c>model.Hidden2.ActiveWeights</c> read what was actually built.
/// </summary>
/// <param name="name">The property's name (<c>Hidden2</c>).</param>
/// <param name="inputs">Input features.</param>
/// <param name="outputs">Output units.</param>
public abstract class Layer(string name, int inputs, int outputs)
{
    /// <summary>The layer's name: the name of its property in the model class.</summary>
    public string Name { get; } = name;

    /// <summary>Input features (for an [Input] layer: the features it provides).</summary>
    public int Inputs { get; } = inputs;

    /// <summary>Output units (for an [Input] layer: its features).</summary>
    public int Outputs { get; } = outputs;

    /// <summary>Weights the dense layer would have (In × Out; 0 for an input).</summary>
    public virtual long DenseWeights => (long)Inputs * Outputs;

    /// <summary>Weights actually stored and trained.</summary>
    public virtual long ActiveWeights => DenseWeights;

    /// <summary>Active weights over dense weights: 1 for a dense layer, 0.1 for one at sparsity 0.9.</summary>
    public double Density => DenseWeights == 0 ? 1.0 : (double)ActiveWeights / DenseWeights;

    /// <summary><c>Hidden2 (1000->1000, density 0.1)</c>.</summary>
    /// <returns>The name, the shape and the density.</returns>
    public override string ToString() => $"{Name} ({Inputs}->{Outputs}, density {Density:0.####})";
}
