using SparseDsl.Kernels;
using SparseDsl.Sparse;

namespace SparseDsl.Training;

/// <summary>
/// A fully connected layer: y[out, batch] = act(W · x[in, batch] + b), with W a <see cref="SparseWeight"/> whose
/// format (dense, CSR, …) runs the kernels and may change during training. Generated networks call it layer by layer.
/// </summary>
public abstract class Linear : Layer, ILinearPass<float[]>
{
    private protected readonly Parameter bias;
    private protected float[]? output;             // [out, batch]
    private protected float[]? inputGradient;      // [in, batch]
    private protected float[]? lastInput;          // [in, batch], kept from Forward for Backward
    private protected float[]? lastOutputGradient; // [out, batch], ∂loss/∂z of the last Backward
    private Gemm.PackedOperand? packedInput;        // xᵀ packed for RigL's gradient tiles, reused update after update
    private float[]? capturedOutputGradient;        // [out, batch], RigL's copy of lastOutputGradient
    private protected int lastBatch;

    private protected Linear(string name, int inputs, int outputs, Activation activation, LayerPlan plan)
        : base(name, inputs, outputs)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Activation = activation;
        Plan = plan;
        var random = new Random(plan.Seed);
        var layout = UnitLayout.For(plan.Pattern, outputs, inputs);
        int[] units = InitialUnits(layout, plan.Density, random);
        var values = new float[(long)units.Length * layout.UnitSize];
        InitUniform(values, inputs, random);
        Weight = new SparseWeight(name + ".weight", WeightFormats.Create(layout, units, values));
        bias = new Parameter(name + ".bias", new float[outputs], decays: false);
        InitUniform(bias.Values, inputs, random);
        Parameters = [Weight.Parameter, bias];
    }

    public Activation Activation { get; }

    /// <summary>What this run planned for the layer: initial and target density, pattern, seed.</summary>
    public LayerPlan Plan { get; }

    /// <summary>The weight: its format (topology and kernels), values, gradient and optimizer state.</summary>
    public SparseWeight Weight { get; }

    /// <summary>b[out].</summary>
    public float[] Bias => bias.Values;

    public override long ActiveWeights => Weight.Format.StoredValues;

    /// <summary>Weights, then bias: the same two objects for the layer's whole life (a topology change moves their arrays).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>y [out, batch] of the last <see cref="Forward"/> (a transformer block's activations read it back).</summary>
    internal float[] LastOutput => output ?? throw new InvalidOperationException($"{Name}: no Forward yet");

    /// <summary>A dense copy of the weights, W[out, in] row-major (zeros where a sparse layer has no weight).</summary>
    public float[] ToDenseWeights() => Weight.Format.ToDense();

    /// <summary>The last weight gradient as dense [out, in] (zeros at inactive positions), for inspection and tests.</summary>
    public float[] DenseWeightGradient()
    {
        var dense = new float[(long)Outputs * Inputs];
        Weight.Format.Scatter(Weight.Parameter.Grad, dense);
        return dense;
    }

    /// <summary>y[out, batch] = act(W · x[in, batch] + b). The returned buffer is reused by the next call.</summary>
    public abstract float[] Forward(float[] input, int batch);

    /// <summary>
    /// From ∂loss/∂y [out, batch] (overwritten with ∂loss/∂z), fills the weight and bias gradients and returns
    /// ∂loss/∂x [in, batch] when <paramref name="needInputGradient"/>.
    /// </summary>
    public abstract float[]? Backward(float[] outputGradient, int batch, bool needInputGradient);

    float[] ILinearPass<float[]>.Output => LastOutput;

    float[] ILinearPass<float[]>.Backward(float[] dy, int tokens) => Backward(dy, tokens, needInputGradient: true)!;

    /// <summary>
    /// RigL's grow score of the last Backward: ∂loss/∂W for weight rows [firstRow, firstRow + rowCount), inactive
    /// positions included (growth ranks by magnitude), computed tile by tile on update steps only from the step's input
    /// and ∂loss/∂z taken now (a forward after this call cannot change them): the input packed once as the product's B
    /// operand, which every tile shares, and ∂loss/∂z copied. Both are the layer's own buffers, so the rows are valid
    /// until its next capture (a topology update uses them at once).
    /// </summary>
    public DenseGradientRows CaptureDenseGradient()
    {
        if (lastInput is null || lastOutputGradient is null)
        {
            throw new InvalidOperationException($"{Name}: the dense gradient needs a Forward and a Backward first");
        }

        int batch = lastBatch;
        var x = packedInput ??= new Gemm.PackedOperand();
        x.Pack(transposeB: true, Inputs, batch, lastInput);                                     // xᵀ [batch, in], from x [in, batch]
        float[] dz = Captured(ref capturedOutputGradient, lastOutputGradient, Outputs * batch); // [out, batch]
        return (firstRow, rowCount, buffer) => GradientRows(dz, x, firstRow, rowCount, buffer);
    }

    /// <summary>
    /// The first <paramref name="length"/> values of <paramref name="source"/> copied into <paramref name="copy"/>, which is
    /// kept for the next capture (an update's copies were large-object allocations, paged in afresh every time).
    /// </summary>
    private static float[] Captured(ref float[]? copy, float[] source, int length)
    {
        if (copy is null || copy.Length != length)
        {
            copy = new float[length];
        }

        Array.Copy(source, copy, length);
        return copy;
    }

    /// <summary>
    /// <c>buffer[r, i] = Σ_b dz[firstRow + r, b]·x[i, b]</c> for <paramref name="rowCount"/> rows: one tile of the dense
    /// weight gradient (GEMM), from ∂loss/∂z [out, batch] and the input packed as the product's B operand (xᵀ). Signed:
    /// growth takes the magnitude as it scans, so the tile is not passed over once more for it.
    /// </summary>
    internal static void GradientRows(float[] dz, Gemm.PackedOperand x, int firstRow, int rowCount, float[] buffer)
    {
        int batch = x.K;
        if (firstRow < 0 || (long)(firstRow + rowCount) * batch > dz.Length || (long)rowCount * x.N > buffer.Length)
        {
            throw new ArgumentException($"gradient rows [{firstRow}, {firstRow + rowCount}) of [{x.N}]-wide rows at batch {batch} do not fit the arrays given");
        }

        // dz's rows [firstRow, firstRow + rowCount) read in place: [rowCount, batch] starting at firstRow·batch.
        Gemm.MultiplyPacked(rowCount, dz, (long)firstRow * batch, x, buffer);
    }

    /// <summary>The parameters of several layers in order (what a generated network exposes).</summary>
    public static IReadOnlyList<Parameter> ParametersOf(params Linear[] layers) =>
        layers.SelectMany(l => l.Parameters).ToArray();

    /// <summary>PyTorch's nn.Linear default: U(−1/√in, 1/√in) for weights and bias (fan-in of the dense shape).</summary>
    private static void InitUniform(float[] values, int fanIn, Random random)
    {
        float bound = 1f / MathF.Sqrt(fanIn);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        }
    }

    /// <summary>
    /// The initial active units at <paramref name="density"/>, sorted: all of them at density 1 (no draw); else within
    /// each N:M group N at random, or <c>ActiveWeights(units, density)</c> units drawn uniformly (Knuth's Algorithm S).
    /// </summary>
    private static int[] InitialUnits(UnitLayout layout, double density, Random random)
    {
        int total = layout.UnitCount;
        if (layout.HasGroups)
        {
            var chosen = new List<int>();
            var group = new int[layout.GroupSize];
            for (int first = 0; first < total; first += layout.GroupSize)
            {
                for (int i = 0; i < group.Length; i++)
                {
                    group[i] = first + i;
                }

                for (int i = 0; i < layout.GroupActive; i++)
                {
                    int pick = i + random.Next(group.Length - i);
                    (group[i], group[pick]) = (group[pick], group[i]);
                }

                Array.Sort(group, 0, layout.GroupActive);
                chosen.AddRange(group.AsSpan(0, layout.GroupActive).ToArray());
            }

            return [.. chosen];
        }

        long count = SparseDsl.Language.ModelShapes.ActiveWeights(total, density);
        var units = new int[count];
        if (count == total)
        {
            for (int u = 0; u < total; u++)
            {
                units[u] = u;
            }

            return units;
        }

        long needed = count;
        for (int t = 0, filled = 0; t < total && needed > 0; t++)
        {
            // Position t is selected with probability needed / (total − t): the result is sorted.
            if ((total - t) * random.NextDouble() < needed)
            {
                units[filled++] = t;
                needed--;
            }
        }

        return units;
    }

    /// <summary>Buffers sized for the batch, reallocated only when the batch grows.</summary>
    private protected static float[] Ensure(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer;
    }
}

/// <summary>A linear layer whose sizes are the constants of <typeparamref name="TShape"/> (the kernels specialize on them).</summary>
public sealed class Linear<TShape> : Linear
    where TShape : ILayerShape
{
    private Linear(string name, Activation activation, LayerPlan plan)
        : base(name, TShape.In, TShape.Out, activation, plan)
    {
    }

    /// <summary>The layer as <paramref name="plan"/> says: initial units drawn from its seed, then weights and bias.</summary>
    public static Linear<TShape> Create(string name, Activation activation, LayerPlan plan) => new(name, activation, plan);

    public override float[] Forward(float[] input, int batch)
    {
        lastInput = input;
        lastBatch = batch;
        float[] y = Ensure(ref output, TShape.Out * batch);
        Weight.Format.Forward<TShape>(bias.Values, input, y, batch);
        Activations.Forward(Activation, y, TShape.Out * batch);
        return y;
    }

    public override float[]? Backward(float[] outputGradient, int batch, bool needInputGradient)
    {
        Activations.Backward(Activation, output!, outputGradient, TShape.Out * batch);
        lastOutputGradient = outputGradient;
        float[]? dx = needInputGradient ? Ensure(ref inputGradient, TShape.In * batch) : null;
        Weight.Format.Backward<TShape>(lastInput!, outputGradient, Weight.Parameter.Grad, bias.Grad, dx, batch);
        return dx;
    }
}
