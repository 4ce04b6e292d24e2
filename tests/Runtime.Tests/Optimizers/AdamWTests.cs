using SparseDsl.Language;
using SparseDsl.Training;
using static SparseDsl.Runtime.Tests.Optimizers.OptimizerTestKit;

namespace SparseDsl.Runtime.Tests.Optimizers;

public class AdamWTests
{
    private const int Steps = 10;

    public static TheoryData<int, double, double> Cases()
    {
        var data = new TheoryData<int, double, double>();
        foreach (int length in Lengths)
        {
            data.Add(length, 0.999, 0.01);
            data.Add(length, 0.95, 0.0);
        }

        return data;
    }

    /// <summary>Float32 optimizer vs the float64 torch.optim.AdamW reference over 10 steps of a warm-up + cosine schedule: atol 2e-6, rtol 1e-5.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_MatchFloat64Reference(int length, double beta2, double weightDecay)
    {
        var random = new Random(4321 + length);
        Parameter weight = RandomParameter(random, "w", length, decays: true);
        Parameter bias = RandomParameter(random, "b", length, decays: false);
        var spec = new OptimizerSpec(OptimizerKind.AdamW, 1e-2, Beta2: beta2, WeightDecay: weightDecay,
            Warmup: StepAmount.Steps(3), Decay: LrDecay.Cosine, MinLrFraction: 0.1);
        var optimizer = new AdamW(spec, [weight, bias], totalSteps: Steps);

        double[] w = ToDouble(weight.Values);
        double[] b = ToDouble(bias.Values);
        double[] wm = new double[length], wv = new double[length], bm = new double[length], bv = new double[length];
        for (int step = 0; step < Steps; step++)
        {
            FillGradient(random, weight);
            FillGradient(random, bias);
            double lr = optimizer.Schedule.At(step);
            ReferenceOptimizers.AdamWStep(w, weight.Grad, wm, wv, step + 1, lr, spec.Beta1, beta2, spec.Epsilon, weightDecay);
            ReferenceOptimizers.AdamWStep(b, bias.Grad, bm, bv, step + 1, lr, spec.Beta1, beta2, spec.Epsilon, weightDecay: 0);
            optimizer.Step(step);
        }

        AssertClose(w, weight.Values, 2e-6, 1e-5, "weight");
        AssertClose(b, bias.Values, 2e-6, 1e-5, "bias");
        AssertClose(wm, optimizer.FirstMoment(weight), 1e-7, 1e-5, "weight m");
        AssertClose(wv, optimizer.SecondMoment(weight), 1e-8, 1e-5, "weight v");
    }

    [Fact]
    public void WeightDecay_IsDecoupledAndSkipsParametersThatDoNotDecay()
    {
        // zero gradient: m = v = 0, so only the decoupled decay θ ← θ(1 − ηλ) moves a weight
        var weight = new Parameter("w", [1f, -2f], decays: true);
        var bias = new Parameter("b", [1f, -2f], decays: false);
        var optimizer = new AdamW(new OptimizerSpec(OptimizerKind.AdamW, 0.1, WeightDecay: 0.5), [weight, bias], totalSteps: 1);
        optimizer.Step(0);
        Assert.Equal(1f * (1f - 0.05f), weight.Values[0], 6);
        Assert.Equal(-2f * (1f - 0.05f), weight.Values[1], 6);
        Assert.Equal([1f, -2f], bias.Values);
    }

    [Fact]
    public void StateLength_EqualsValuesLength()
    {
        var random = new Random(6);
        Parameter sparse = RandomParameter(random, "sparse", 77, density: 0.05);
        Parameter bias = RandomParameter(random, "bias", 5, decays: false);
        var shared = new AdamW(OptimizerSpec.Default(OptimizerKind.AdamW), [sparse, bias], 10);
        Assert.Equal(77, shared.FirstMoment(sparse).Length);
        Assert.Equal(77, shared.SecondMoment(sparse).Length);
        Assert.True(shared.WeightSteps(sparse).IsEmpty);
        Assert.Equal(2L * (77 + 5) * sizeof(float), shared.StateBytes);

        var smet = new AdamW(OptimizerSpec.Default(OptimizerKind.AdamW) with { MomentWarmupSteps = 100 }, [sparse, bias], 10);
        Assert.Equal(77, smet.WeightSteps(sparse).Length);
        Assert.Equal((2L * sizeof(float) + sizeof(ushort)) * (77 + 5), smet.StateBytes); // ages in 2 bytes at the default betas
    }

    [Fact]
    public void ForeignParameter_Throws()
    {
        var optimizer = new AdamW(OptimizerSpec.Default(OptimizerKind.AdamW), [new Parameter("w", [1f], true)], 10);
        Assert.Throws<ArgumentException>(() => optimizer.FirstMoment(new Parameter("other", [1f], true)).Length);
    }
}
