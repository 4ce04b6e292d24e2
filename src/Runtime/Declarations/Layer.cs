namespace SparseDsl;

/// <summary>
/// One layer of a generated network. A model's partial properties return these, so
/// <c>model.Hidden2.Density</c> and <c>model.Hidden2.ActiveWeights</c> read what was actually built.
/// </summary>
public abstract class Layer(string name, int inputs, int outputs)
{
    public string Name { get; } = name;

    /// <summary>Input features (for an [Input] layer: the features it provides).</summary>
    public int Inputs { get; } = inputs;

    public int Outputs { get; } = outputs;

    /// <summary>Weights the dense layer would have (In × Out; 0 for an input).</summary>
    public virtual long DenseWeights => (long)Inputs * Outputs;

    /// <summary>Weights actually stored and trained.</summary>
    public virtual long ActiveWeights => DenseWeights;

    public double Density => DenseWeights == 0 ? 1.0 : (double)ActiveWeights / DenseWeights;

    public override string ToString() => $"{Name} ({Inputs}->{Outputs}, density {Density:0.####})";
}
