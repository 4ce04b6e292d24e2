using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>A dense layer: W [out, in] row-major, tiled GEMM forward and backward.</summary>
public sealed class DenseLinear<TShape> : Linear<TShape>
    where TShape : ILayerShape
{
    private readonly Parameter weights;
    private readonly Parameter bias;
    private float[]? output;       // [out, batch]
    private float[]? inputGradient; // [in, batch]
    private float[]? lastInput;     // [in, batch], kept from Forward for Backward

    public DenseLinear(string name, Activation activation, int seed)
        : base(name, activation)
    {
        var random = new Random(seed);
        weights = new Parameter(name + ".weight", new float[TShape.Out * TShape.In], decays: true);
        bias = new Parameter(name + ".bias", new float[TShape.Out], decays: false);
        InitUniform(weights.Values, TShape.In, random);
        InitUniform(bias.Values, TShape.In, random);
        Parameters = new[] { weights, bias };
    }

    public override IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Row-major W[out, in].</summary>
    public float[] Weights => weights.Values;

    public override float[] Bias => bias.Values;

    public override float[] DenseWeightGradient() => (float[])weights.Grad.Clone();

    public override float[] ToDenseWeights() => (float[])weights.Values.Clone();

    public override float[] Forward(float[] input, int batch)
    {
        lastInput = input;
        float[] y = Ensure(ref output, TShape.Out * batch);
        DenseKernels.Forward<TShape>(weights.Values, bias.Values, input, y, batch);
        Activations.Forward(Activation, y, TShape.Out * batch);
        return y;
    }

    public override float[]? Backward(float[] outputGradient, int batch, bool needInputGradient)
    {
        Activations.Backward(Activation, output!, outputGradient, TShape.Out * batch);
        float[]? dx = needInputGradient ? Ensure(ref inputGradient, TShape.In * batch) : null;
        DenseKernels.Backward<TShape>(weights.Values, lastInput!, outputGradient, weights.Grad, bias.Grad, dx, batch);
        return dx;
    }
}
