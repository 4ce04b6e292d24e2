using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Training;

/// <summary>A fully connected layer, dense or sparse; generated networks call it layer by layer.</summary>
public abstract class Linear(string name, int inputs, int outputs, Activation activation) : Layer(name, inputs, outputs)
{
    public Activation Activation { get; } = activation;

    /// <summary>b[out].</summary>
    public abstract float[] Bias { get; }

    /// <summary>A dense copy of the weights, W[out, in] row-major (zeros where a sparse layer has no weight).</summary>
    public abstract float[] ToDenseWeights();

    /// <summary>The last weight gradient as dense [out, in] (zeros at inactive positions), for inspection and tests.</summary>
    public abstract float[] DenseWeightGradient();

    /// <summary>Weights (dense array or CSR values) then bias.</summary>
    public abstract IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>y[out, batch] = act(W · x[in, batch] + b). The returned buffer is reused by the next call.</summary>
    public abstract float[] Forward(float[] input, int batch);

    /// <summary>
    /// From ∂loss/∂y [out, batch] (overwritten with ∂loss/∂z), fills the weight and bias gradients and returns
    /// ∂loss/∂x [in, batch] when <paramref name="needInputGradient"/>.
    /// </summary>
    public abstract float[]? Backward(float[] outputGradient, int batch, bool needInputGradient);

    /// <summary>The parameters of several layers in order (what a generated network exposes).</summary>
    public static IReadOnlyList<Parameter> ParametersOf(params Linear[] layers) =>
        layers.SelectMany(l => l.Parameters).ToArray();

    /// <summary>PyTorch's nn.Linear default: U(−1/√in, 1/√in) for weights and bias (fan-in of the dense shape).</summary>
    protected static void InitUniform(float[] values, int fanIn, Random random)
    {
        float bound = 1f / MathF.Sqrt(fanIn);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        }
    }

    /// <summary>Buffers sized for the batch, reallocated only when the batch grows.</summary>
    protected static float[] Ensure(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer;
    }
}

/// <summary>A linear layer whose sizes are the constants of <typeparamref name="TShape"/>.</summary>
public abstract class Linear<TShape>(string name, Activation activation) : Linear(name, TShape.In, TShape.Out, activation)
    where TShape : ILayerShape
{
    /// <summary>Dense storage at density 1, CSR below it; the mask is drawn from <paramref name="seed"/>.</summary>
    public static Linear<TShape> Create(string name, Activation activation, double density, int seed) =>
        density >= 1.0
            ? new DenseLinear<TShape>(name, activation, seed)
            : new SparseLinear<TShape>(name, activation, density, seed);
}

/// <summary>A layer whose weights are stored as CSR (what the device path needs to know without the shape type).</summary>
public interface ICsrLayer
{
    /// <summary>The active weights; <see cref="CsrMatrix.Values"/> is the trained array.</summary>
    CsrMatrix Matrix { get; }
}
