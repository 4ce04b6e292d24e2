namespace SparseDsl;

/// <summary>Marks a partial class whose partial <see cref="Layer"/> properties declare a network.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SparseModelAttribute : Attribute
{
    public Loss Loss { get; set; } = Loss.SoftmaxCrossEntropy;

    /// <summary>Model-level sparsity target in [0, 1), spread over the layers by <see cref="Distribution"/>.</summary>
    public double Sparsity { get; set; }

    public Distribution Distribution { get; set; } = Distribution.Uniform;
}

/// <summary>The network's input: <c>[Input(784)]</c> takes 784 features per sample.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class InputAttribute(int size) : Attribute
{
    public int Size { get; } = size;
}

/// <summary>A fully connected layer with <paramref name="units"/> outputs; its input is the layer above.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DenseAttribute(int units) : Attribute
{
    public int Units { get; } = units;

    public Activation Activation { get; set; } = Activation.None;
}

/// <summary>
/// Gives a layer its own pattern and sparsity, overriding the model-level target:
/// <c>[Sparse("unstructured", 0.95)]</c>. The pattern is a SparseDsl expression (docs/language.md).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SparseAttribute : Attribute
{
    public SparseAttribute(string pattern) => Pattern = pattern;

    public SparseAttribute(string pattern, double sparsity)
    {
        Pattern = pattern;
        Sparsity = sparsity;
    }

    public string Pattern { get; }

    public double Sparsity { get; } = double.NaN;
}

/// <summary>Excludes a layer from the model-level sparsity target (usually the output layer).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class KeepDenseAttribute : Attribute;
