namespace SparseDsl;

/// <summary>
/// Marks a partial class whose partial <see cref="Layer"/> properties declare a network; the SparseDsl generator
/// writes the network (forward and backward kernels, sparse storage, training step) into the other half of the class.
/// </summary>
/// <remarks>
/// <para>The layers run top to bottom: an <see cref="InputAttribute"/> first, then <see cref="DenseAttribute"/> layers.
/// Each layer is a <c>public partial Layer Name { get; }</c> property.</para>
/// <code>
/// [SparseModel(Sparsity = 0.9, Distribution = Distribution.Erk)]
/// public partial class SetMlp
/// {
///     [Input(784)] public partial Layer Pixels { get; }
///     [Dense(1024, Activation = Activation.Relu)] public partial Layer Hidden1 { get; }
///     [Dense(1024, Activation = Activation.Relu), Sparse("block 16x16 0.9")] public partial Layer Hidden2 { get; }
///     [Dense(10), KeepDense] public partial Layer Output { get; }
/// }
/// </code>
/// <para>Build errors (each page is docs/diagnostics/SPDnnn.md in the SparseDsl repository): SPD001 the class is not
/// partial; SPD002 a layer member is not one partial <see cref="Layer"/> property with one layer attribute; SPD003 no
/// <c>[Input]</c> first or no weight layer after it; SPD006 the loss does not fit the output layer; SPD008 the class is
/// nested or generic; SPD101 <see cref="Sparsity"/> outside [0, 1); SPD106 the distribution cannot reach the target.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SparseModelAttribute : Attribute
{
    /// <summary>Training objective on the last layer (default <see cref="Loss.SoftmaxCrossEntropy"/>; SPD006 when it does not fit the output layer).</summary>
    public Loss Loss { get; set; } = Loss.SoftmaxCrossEntropy;

    /// <summary>
    /// Model-level sparsity target in [0, 1) (0.9: nine weights in ten are zero), spread over the layers by
    /// <see cref="Distribution"/>. Layers with <c>[KeepDense]</c> or their own <c>[Sparse]</c> are not counted;
    /// the grid axis <c>sparsity</c> (<c>[Grid("sparsity", "0, 0.8, 0.95")]</c>) replaces it per run. SPD101 outside
    /// [0, 1), SPD106 when the distribution cannot reach it.
    /// </summary>
    public double Sparsity { get; set; }

    /// <summary>How <see cref="Sparsity"/> is split across layers: <see cref="Distribution.Uniform"/> (default), <see cref="Distribution.Er"/> or <see cref="Distribution.Erk"/>.</summary>
    public Distribution Distribution { get; set; } = Distribution.Uniform;

    /// <summary>
    /// Which matrices of a [TransformerBlock] the model's sparsity covers: <c>all</c> (default: q, k, v, o and the MLP),
    /// <c>attention</c> or <c>mlp</c>; the others stay dense. Embeddings and the head are always dense. SPD010 for another value.
    /// </summary>
    public string Target { get; set; } = "all";
}

/// <summary>The network's input: <c>[Input(784)] public partial Layer Pixels { get; }</c> takes 784 features per sample.</summary>
/// <remarks>It must be the model's first layer (SPD003); its size must be positive (SPD004) and match the data set's features.</remarks>
/// <param name="size">Features per sample.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class InputAttribute(int size) : Attribute
{
    /// <summary>Features per sample.</summary>
    public int Size { get; } = size;
}

/// <summary>
/// A fully connected layer with <paramref name="units"/> outputs; its input is the layer above:
/// <c>[Dense(256, Activation = Activation.Relu)] public partial Layer Hidden1 { get; }</c>.
/// </summary>
/// <remarks>
/// The layer follows the model-level <see cref="SparseModelAttribute.Sparsity"/> unless it also has
/// <see cref="KeepDenseAttribute"/> (stays dense) or <see cref="SparseAttribute"/> (its own pattern and sparsity).
/// SPD004 when <paramref name="units"/> is not positive.
/// </remarks>
/// <param name="units">Output units (the number of rows of the weight matrix).</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DenseAttribute(int units) : Attribute
{
    /// <summary>Output units.</summary>
    public int Units { get; } = units;

    /// <summary>Nonlinearity after the affine map (default <see cref="Activation.None"/>).</summary>
    public Activation Activation { get; set; } = Activation.None;
}

/// <summary>
/// Gives a layer its own pattern and sparsity, overriding the model-level target:
/// <c>[Sparse("unstructured", 0.95)]</c>, <c>[Sparse("unstructured 0.95")]</c>, <c>[Sparse("block 16x16 0.9")]</c>,
/// <c>[Sparse("block 16x16 90%")]</c>, <c>[Sparse("2:4")]</c>. The pattern is a SparseDsl expression (docs/language.md).
/// </summary>
/// <remarks>
/// <para>The forms of a pattern, optionally followed by its sparsity (a number in [0, 1) or a percentage):</para>
/// <list type="table">
/// <item><term><c>unstructured</c></term><description>any weight may be zero (CSR storage)</description></item>
/// <item><term><c>block 16x16</c></term><description>whole R×C tiles are kept or zero (<c>block 16</c> means 16x16; block-CSR)</description></item>
/// <item><term><c>2:4</c></term><description>N:M, at most N nonzeros in every M consecutive inputs; fixes the density at N/M</description></item>
/// <item><term><c>rows</c></term><description>whole output units removed</description></item>
/// </list>
/// <para>A <c>[Sparse]</c> without a sparsity (and not N:M) follows the model-level target. Build errors (pages
/// docs/diagnostics/SPDnnn.md): SPD101 sparsity outside [0, 1); SPD102 the pattern does not parse (underlined at the
/// offending text); SPD103 the block size does not divide the layer; SPD104 N:M is invalid for the layer; SPD105 the
/// sparsity argument contradicts the one in the string; SPD107 on a layer without weights; SPD108 the block is larger
/// than the layer; SPD109 on a <c>[KeepDense]</c> layer.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SparseAttribute : Attribute
{
    /// <summary>A pattern, optionally with its sparsity: <c>[Sparse("block 16x16 0.9")]</c>.</summary>
    /// <param name="pattern"><c>unstructured</c>, <c>block RxC</c>, <c>N:M</c> or <c>rows</c>, optionally followed by the sparsity.</param>
    public SparseAttribute(string pattern) => Pattern = pattern;

    /// <summary>A pattern and its sparsity: <c>[Sparse("unstructured", 0.95)]</c>.</summary>
    /// <param name="pattern"><c>unstructured</c>, <c>block RxC</c>, <c>N:M</c> or <c>rows</c>.</param>
    /// <param name="sparsity">Fraction of the layer's weights that are zero, in [0, 1) (SPD101).</param>
    public SparseAttribute(string pattern, double sparsity)
    {
        Pattern = pattern;
        Sparsity = sparsity;
    }

    /// <summary>The pattern expression as written.</summary>
    public string Pattern { get; }

    /// <summary>The sparsity given as the second argument, or NaN when it was not (then the string's, or the model's target).</summary>
    public double Sparsity { get; } = double.NaN;

    /// <summary>On a [TransformerBlock]: which of its matrices take this pattern, <c>all</c> (default), <c>attention</c> or <c>mlp</c> (SPD010 otherwise).</summary>
    public string Target { get; set; } = "all";
}

/// <summary>
/// Excludes a layer from the model-level sparsity target (usually the output layer):
/// <c>[Dense(10), KeepDense] public partial Layer Output { get; }</c>. SPD109 when the layer also has <c>[Sparse]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class KeepDenseAttribute : Attribute;
