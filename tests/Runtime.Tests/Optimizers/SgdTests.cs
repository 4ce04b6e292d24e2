using SparseDsl.Language;
using SparseDsl.Training;
using static SparseDsl.Runtime.Tests.Optimizers.OptimizerTestKit;

namespace SparseDsl.Runtime.Tests.Optimizers;

public class SgdTests
{
    private const int Steps = 8;

    public static TheoryData<int, double, bool, double> Cases()
    {
        var data = new TheoryData<int, double, bool, double>();
        foreach (int length in Lengths)
        {
            data.Add(length, 0.0, false, 0.0);
            data.Add(length, 0.0, false, 5e-4);
            data.Add(length, 0.9, false, 5e-4);
            data.Add(length, 0.9, true, 5e-4);
        }

        return data;
    }

    /// <summary>Float32 optimizer vs the float64 torch.optim.SGD reference over 8 steps of a warm-up + cosine schedule: atol 1e-6, rtol 1e-5.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_MatchFloat64Reference(int length, double momentum, bool nesterov, double weightDecay)
    {
        var random = new Random(1234 + length);
        Parameter weight = RandomParameter(random, "w", length, decays: true);
        Parameter bias = RandomParameter(random, "b", length, decays: false);
        var spec = new OptimizerSpec(OptimizerKind.Sgd, 0.1, Momentum: momentum, Nesterov: nesterov, WeightDecay: weightDecay,
            Warmup: StepAmount.Steps(2), Decay: LrDecay.Cosine, MinLrFraction: 0.1);
        var optimizer = new Sgd(spec, [weight, bias], totalSteps: Steps);

        double[] w = ToDouble(weight.Values);
        double[] b = ToDouble(bias.Values);
        double[]? wBuffer = momentum != 0 ? new double[length] : null;
        double[]? bBuffer = momentum != 0 ? new double[length] : null;
        for (int step = 0; step < Steps; step++)
        {
            FillGradient(random, weight);
            FillGradient(random, bias);
            double lr = optimizer.Schedule.At(step);
            ReferenceOptimizers.SgdStep(w, weight.Grad, wBuffer, step + 1, lr, momentum, nesterov, weightDecay);
            ReferenceOptimizers.SgdStep(b, bias.Grad, bBuffer, step + 1, lr, momentum, nesterov, weightDecay: 0);
            optimizer.Step(step);
        }

        AssertClose(w, weight.Values, 1e-6, 1e-5, "weight");
        AssertClose(b, bias.Values, 1e-6, 1e-5, "bias");
        if (wBuffer is not null)
        {
            AssertClose(wBuffer, optimizer.MomentumBuffer(weight), 1e-6, 1e-5, "weight momentum");
        }
    }

    [Fact]
    public void WeightDecay_SkipsParametersThatDoNotDecay()
    {
        var weight = new Parameter("w", [1f, -2f], decays: true);
        var bias = new Parameter("b", [1f, -2f], decays: false);
        var optimizer = new Sgd(new OptimizerSpec(OptimizerKind.Sgd, 0.1, WeightDecay: 0.5), [weight, bias], totalSteps: 1);
        optimizer.Step(0);
        Assert.Equal([1f - 0.1f * 0.5f * 1f, -2f - 0.1f * 0.5f * -2f], weight.Values);
        Assert.Equal([1f, -2f], bias.Values);
    }

    [Fact]
    public void StateLength_EqualsValuesLength()
    {
        var random = new Random(5);
        Parameter sparse = RandomParameter(random, "sparse", 123, density: 0.1);
        Parameter bias = RandomParameter(random, "bias", 10, decays: false);
        var withMomentum = new Sgd(new OptimizerSpec(OptimizerKind.Sgd, 0.1, Momentum: 0.9), [sparse, bias], 10);
        Assert.Equal(123, withMomentum.MomentumBuffer(sparse).Length);
        Assert.Equal(10, withMomentum.MomentumBuffer(bias).Length);
        Assert.Equal((123 + 10) * sizeof(float), withMomentum.StateBytes);

        var plain = new Sgd(new OptimizerSpec(OptimizerKind.Sgd, 0.1), [sparse, bias], 10);
        Assert.Equal(0, plain.StateBytes);
        Assert.True(plain.MomentumBuffer(sparse).IsEmpty);
    }

    [Fact]
    public void NesterovWithoutMomentum_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Sgd(new OptimizerSpec(OptimizerKind.Sgd, 0.1, Nesterov: true), [], 10));
    }

    [Fact]
    public void Create_PicksTheKindOfTheSpec()
    {
        Assert.IsType<Sgd>(Optimizer.Create(OptimizerSpec.Default(OptimizerKind.Sgd), [], 10));
        Assert.IsType<AdamW>(Optimizer.Create(OptimizerSpec.Default(OptimizerKind.AdamW), [], 10));
    }
}
