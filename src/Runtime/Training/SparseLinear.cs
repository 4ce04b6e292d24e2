using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Training;

/// <summary>
/// An unstructured sparse layer: only the active weights are stored (CSR), trained and given optimizer state,
/// so memory follows density. Forward is SpMM over feature-major activations; dW only at active positions.
/// </summary>
public sealed class SparseLinear<TShape> : Linear<TShape>, ICsrLayer
    where TShape : ILayerShape
{
    private readonly Parameter bias;
    private float[]? output;        // [out, batch]
    private float[]? inputGradient; // [in, batch]
    private float[]? lastInput;     // [in, batch]

    public SparseLinear(string name, Activation activation, double density, int seed)
        : base(name, activation)
    {
        var random = new Random(seed);
        long dense = (long)TShape.In * TShape.Out;
        long active = SparseDsl.Language.ModelShapes.ActiveWeights(dense, density);
        Matrix = CsrMatrix.RandomMask(TShape.Out, TShape.In, active, random);
        Weights = new Parameter(name + ".weight", Matrix.Values, decays: true) { Density = (double)active / dense };
        bias = new Parameter(name + ".bias", new float[TShape.Out], decays: false);
        InitUniform(Matrix.Values, TShape.In, random);
        InitUniform(bias.Values, TShape.In, random);
        Parameters = new[] { Weights, bias };
    }

    /// <summary>The active weights: CSR over [out, in]; <see cref="CsrMatrix.Values"/> is the trained array.</summary>
    public CsrMatrix Matrix { get; }

    public Parameter Weights { get; }

    public override float[] Bias => bias.Values;

    public override float[] DenseWeightGradient() => Scatter(Weights.Grad);

    public override float[] ToDenseWeights() => Matrix.ToDense();

    public override long ActiveWeights => Matrix.Values.Length;

    public override IReadOnlyList<Parameter> Parameters { get; }

    public override float[] Forward(float[] input, int batch)
    {
        lastInput = input;
        float[] y = Ensure(ref output, TShape.Out * batch);
        CsrKernels.Forward<TShape>(Matrix, bias.Values, input, y, batch);
        Activations.Forward(Activation, y, TShape.Out * batch);
        return y;
    }

    public override float[]? Backward(float[] outputGradient, int batch, bool needInputGradient)
    {
        Activations.Backward(Activation, output!, outputGradient, TShape.Out * batch);
        float[]? dx = needInputGradient ? Ensure(ref inputGradient, TShape.In * batch) : null;
        CsrKernels.Backward<TShape>(Matrix, lastInput!, outputGradient, Weights.Grad, bias.Grad, dx, batch);
        return dx;
    }

    /// <summary>Values parallel to the CSR arrays → dense [out, in] with zeros off the mask.</summary>
    private float[] Scatter(float[] values)
    {
        var dense = new float[TShape.Out * TShape.In];
        for (int o = 0; o < TShape.Out; o++)
        {
            for (int k = Matrix.RowPtr[o]; k < Matrix.RowPtr[o + 1]; k++)
            {
                dense[o * TShape.In + Matrix.ColIdx[k]] = values[k];
            }
        }

        return dense;
    }
}
