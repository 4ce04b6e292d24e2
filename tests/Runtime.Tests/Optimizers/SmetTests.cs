using SparseDsl.Language;
using SparseDsl.Training;
using static SparseDsl.Runtime.Tests.Optimizers.OptimizerTestKit;

namespace SparseDsl.Runtime.Tests.Optimizers;

/// <summary>The SMET knobs (SCIENCE.md §3): per-weight steps, moment warm-up, density-aware learning rate, reset and re-map.</summary>
public class SmetTests
{
    private static readonly OptimizerSpec Adam = new(OptimizerKind.AdamW, 1e-3);

    public static TheoryData<int> LengthCases() => [.. Lengths];

    /// <summary>Per-weight AdamW with resets mid-run vs the float64 SMET reference: atol 2e-6, rtol 1e-5.</summary>
    [Theory]
    [MemberData(nameof(LengthCases))]
    public void PerWeightSteps_WithResets_MatchFloat64Reference(int length)
    {
        const int steps = 12;
        const int warmup = 5;
        var random = new Random(99 + length);
        Parameter weight = RandomParameter(random, "w", length);
        var spec = Adam with { LearningRate = 1e-2, WeightDecay = 0.01, MomentWarmupSteps = warmup, Decay = LrDecay.Cosine };
        var optimizer = new AdamW(spec, [weight], steps);
        double[] theta = ToDouble(weight.Values);
        double[] m = new double[length], v = new double[length];
        int[] ages = new int[length];
        int[] resetPositions = [.. Enumerable.Range(0, length).Where(i => i % 3 == 1)];
        for (int step = 0; step < steps; step++)
        {
            if (step is 4 or 9)
            {
                weight.ResetState(resetPositions);
                foreach (int i in resetPositions)
                {
                    m[i] = v[i] = ages[i] = 0;
                }
            }

            FillGradient(random, weight);
            ReferenceOptimizers.SmetAdamWStep(theta, weight.Grad, m, v, ages, warmup, optimizer.Schedule.At(step), spec.Beta1, spec.Beta2, spec.Epsilon, spec.WeightDecay);
            optimizer.Step(step);
        }

        AssertClose(theta, weight.Values, 2e-6, 1e-5, "weight");
        AssertClose(m, optimizer.FirstMoment(weight), 1e-7, 1e-5, "m");
        Assert.Equal(ages, optimizer.WeightSteps(weight).ToArray());
    }

    [Fact]
    public void ResetWeight_PerWeightStepGivesFreshFirstStep_SharedStepInflatesIt()
    {
        const int length = 16;
        const int history = 5000;
        const double lr = 1e-3;
        int[] reset = [3, 7, 11];
        double[] perWeight = RunThenReset(Adam with { LearningRate = lr, MomentWarmupSteps = 1 }, length, history, reset);
        double[] shared = RunThenReset(Adam with { LearningRate = lr }, length, history, reset);

        // fresh Adam first step: m̂ = g, v̂ = g², so |Δθ| = η·|g|/(|g| + ε) ≈ η
        // shared step t = 5001: |Δθ| = η·((1 − β1)/(1 − β1^t)) / (√(1 − β2)/√(1 − β2^t)) ≈ 3.15·η
        double t = history + 1;
        double inflated = 0.1 / (1 - Math.Pow(0.9, t)) / (Math.Sqrt(0.001) / Math.Sqrt(1 - Math.Pow(0.999, t)));
        foreach (int i in reset)
        {
            Assert.Equal(1.0, perWeight[i] / lr, 4);
            Assert.Equal(inflated, shared[i] / lr, 3);
            Assert.True(shared[i] / perWeight[i] > 3.1, $"shared {shared[i]:E3} vs per-weight {perWeight[i]:E3}");
        }
    }

    [Fact]
    public void MomentWarmup_ScalesUpdateByOwnAge()
    {
        const int warmup = 10;
        const double lr = 1e-2;
        // a constant gradient keeps m̂ = g and v̂ = g² exactly, so |Δθ_t| = η·min(t_i/W, 1)·|g|/(|g| + ε)
        var weight = new Parameter("w", new float[4], decays: false);
        var optimizer = new AdamW(Adam with { LearningRate = lr, MomentWarmupSteps = warmup }, [weight], 100);
        Array.Fill(weight.Grad, 0.5f);
        for (int step = 0; step < 15; step++)
        {
            float before = weight.Values[0];
            optimizer.Step(step);
            double expected = lr * Math.Min((step + 1) / (double)warmup, 1.0);
            Assert.Equal(expected, before - weight.Values[0], 1e-5 * lr);
        }

        weight.ResetState([0]);
        float[] beforeReset = (float[])weight.Values.Clone();
        optimizer.Step(15);
        Assert.Equal(lr / warmup, beforeReset[0] - weight.Values[0], 1e-5 * lr);
        Assert.Equal(lr, beforeReset[1] - weight.Values[1], 1e-5 * lr);
        Assert.Equal([1, 16, 16, 16], optimizer.WeightSteps(weight).ToArray());
    }

    /// <summary>
    /// Ages are stored saturated at the coefficient table's cap (the age from which its entries stop changing), in 2
    /// bytes when the cap fits, else 4. A run past the cap, with resets before and after it, gives the same floats bit
    /// for bit as the update computed here with unbounded int ages: a float32 twin of the kernel, one rounding per
    /// operation in the kernel's order (no FMA either side), over the same double-computed table.
    /// </summary>
    [Theory]
    [InlineData(0.999, 20_785, 21_000, sizeof(ushort))]
    [InlineData(0.9999, 207_934, 208_200, sizeof(int))]
    public void AgesPastTheTableCap_Saturate_AndUpdatesStayBitIdentical(double beta2, int cap, int steps, int bytesPerAge)
    {
        const int length = 37;
        const int warmup = 50;
        var random = new Random(7);
        Parameter weight = RandomParameter(random, "w", length);
        var spec = Adam with { LearningRate = 1e-3, WeightDecay = 0.01, Beta2 = beta2, MomentWarmupSteps = warmup };
        var optimizer = new AdamW(spec, [weight], steps);
        Assert.Equal(cap, weight.Ages!.Limit);
        Assert.Equal(bytesPerAge, weight.Ages.BytesPerAge);
        Assert.Equal((2L * sizeof(float) + bytesPerAge) * length, optimizer.StateBytes);

        float[] theta = (float[])weight.Values.Clone(), m = new float[length], v = new float[length];
        int[] ages = new int[length];
        float[] stepScale = new float[cap + 1], inverse = new float[cap + 1];
        for (int t = 1; t <= cap; t++)
        {
            stepScale[t] = (float)(Math.Min(t / (double)warmup, 1.0) / (1.0 - Math.Pow(spec.Beta1, t)));
            inverse[t] = (float)(1.0 / Math.Sqrt(1.0 - Math.Pow(spec.Beta2, t)));
        }

        float beta1f = (float)spec.Beta1, beta2f = (float)spec.Beta2, epsilon = (float)spec.Epsilon;
        float oneMinusBeta1 = (float)(1.0 - spec.Beta1), oneMinusBeta2 = (float)(1.0 - spec.Beta2);
        for (int step = 0; step < steps; step++)
        {
            int[] reset = step == 100 ? [1, 5] : step == steps - 60 ? [2, 6, 30] : [];
            weight.ResetState(reset);
            foreach (int i in reset)
            {
                m[i] = v[i] = ages[i] = 0;
            }

            FillGradient(random, weight);
            double lr = optimizer.LearningRate(weight, step);
            float lrf = (float)lr, decay = (float)(1.0 - lr * spec.WeightDecay);
            for (int i = 0; i < length; i++)
            {
                int index = Math.Min(++ages[i], cap);
                float g = weight.Grad[i];
                m[i] = beta1f * m[i] + oneMinusBeta1 * g;
                v[i] = beta2f * v[i] + oneMinusBeta2 * (g * g);
                float denominator = MathF.Sqrt(v[i]) * inverse[index] + epsilon;
                theta[i] = theta[i] * decay - lrf * stepScale[index] * m[i] / denominator;
            }

            optimizer.Step(step);
        }

        Assert.Equal(theta, weight.Values);
        Assert.Equal(m, optimizer.FirstMoment(weight).ToArray());
        Assert.Equal(v, optimizer.SecondMoment(weight).ToArray());
        Assert.Equal(ages.Select(a => Math.Min(a, cap)), optimizer.WeightSteps(weight).ToArray());
        Assert.Contains(cap, optimizer.WeightSteps(weight).ToArray());
        Assert.Equal(60, optimizer.WeightSteps(weight)[30]);
    }

    [Theory]
    [InlineData(null, 1.0)]
    [InlineData(1.0, 4.0)]
    [InlineData(0.5, 2.0)]
    public void DensityLr_DividesLearningRateByDensityToTheExponent(double? exponent, double factor)
    {
        var sparse = new Parameter("w", [1f, -1f], decays: true) { Density = 0.25 };
        var bias = new Parameter("b", [1f, -1f], decays: false);
        var spec = new OptimizerSpec(OptimizerKind.Sgd, 0.01, DensityLrExponent: exponent);
        var optimizer = new Sgd(spec, [sparse, bias], 10);
        Array.Fill(sparse.Grad, 1f);
        Array.Fill(bias.Grad, 1f);
        optimizer.Step(0);

        Assert.Equal(0.01 * factor, optimizer.LearningRate(sparse, 0), 12);
        Assert.Equal(0.01, optimizer.LearningRate(bias, 0), 12);
        Assert.Equal(1 - 0.01 * factor, sparse.Values[0], 6);
        Assert.Equal(1 - 0.01, bias.Values[0], 6);
    }

    [Fact]
    public void DensityLr_AppliesToAdamW()
    {
        var sparse = new Parameter("w", [0f], decays: false) { Density = 0.1 };
        var optimizer = new AdamW(Adam with { DensityLrExponent = 1 }, [sparse], 10);
        sparse.Grad[0] = 2f;
        optimizer.Step(0);
        Assert.Equal(-1e-3 / 0.1, sparse.Values[0], 6);
    }

    [Fact]
    public void ResetState_ZeroesOnlyTheGivenPositions()
    {
        var random = new Random(3);
        Parameter weight = RandomParameter(random, "w", 6);
        var optimizer = new AdamW(Adam with { MomentWarmupSteps = 100 }, [weight], 10);
        for (int step = 0; step < 3; step++)
        {
            FillGradient(random, weight);
            optimizer.Step(step);
        }

        weight.ResetState([1, 4]);
        for (int i = 0; i < 6; i++)
        {
            bool reset = i is 1 or 4;
            Assert.Equal(reset, optimizer.FirstMoment(weight)[i] == 0);
            Assert.Equal(reset, optimizer.SecondMoment(weight)[i] == 0);
            Assert.Equal(reset ? 0 : 3, optimizer.WeightSteps(weight)[i]);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => weight.ResetState([6]));
    }

    [Fact]
    public void ParameterRemap_MovesValuesAndStateOfSurvivors_ZeroesNewWeights()
    {
        var random = new Random(8);
        Parameter bias = RandomParameter(random, "b", 3, decays: false);
        Parameter weight = RandomParameter(random, "w", 5);
        var optimizer = new AdamW(Adam with { MomentWarmupSteps = 100 }, [weight, bias], 10);
        for (int step = 0; step < 4; step++)
        {
            FillGradient(random, weight);
            optimizer.Step(step);
        }

        float[] oldValues = (float[])weight.Values.Clone();
        float[] oldM = optimizer.FirstMoment(weight).ToArray();
        float[] oldV = optimizer.SecondMoment(weight).ToArray();
        int[] map = [2, -1, 0, 4, -1, -1];
        weight.Remap(map);

        Assert.Same(weight, optimizer.Parameters[0]);
        Assert.Equal([oldValues[2], 0, oldValues[0], oldValues[4], 0, 0], weight.Values);
        Assert.Equal([oldM[2], 0, oldM[0], oldM[4], 0, 0], optimizer.FirstMoment(weight).ToArray());
        Assert.Equal([oldV[2], 0, oldV[0], oldV[4], 0, 0], optimizer.SecondMoment(weight).ToArray());
        Assert.Equal([4, 0, 4, 4, 0, 0], optimizer.WeightSteps(weight).ToArray());
        Assert.Equal(6, weight.Grad.Length);
        Assert.Equal((2 * sizeof(float) + sizeof(ushort)) * (6 + 3), optimizer.StateBytes);

        FillGradient(random, weight);
        optimizer.Step(4);
        Assert.Equal([5, 1, 5, 5, 1, 1], optimizer.WeightSteps(weight).ToArray());
    }

    [Fact]
    public void ParameterRemap_MovesSgdMomentum()
    {
        var weight = new Parameter("w", [1f, 2f, 3f], decays: true);
        var optimizer = new Sgd(new OptimizerSpec(OptimizerKind.Sgd, 0.1, Momentum: 0.9), [weight], 10);
        weight.Grad[0] = 1f;
        weight.Grad[1] = 2f;
        weight.Grad[2] = 3f;
        optimizer.Step(0);
        weight.Remap([-1, 2]);
        Assert.Equal([0f, 3f], optimizer.MomentumBuffer(weight).ToArray());
    }

    [Fact]
    public void ParameterRemap_MapOutOfRange_Throws()
    {
        var weight = new Parameter("w", [1f, 2f], decays: true);
        _ = new AdamW(Adam, [weight], 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => weight.Remap([2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => weight.Remap([0, -2]));
        Assert.Equal([1f, 2f], weight.Values);
    }

    /// <summary>Runs <paramref name="history"/> random-gradient steps, resets <paramref name="reset"/>, and returns |Δθ| of one more step.</summary>
    private static double[] RunThenReset(OptimizerSpec spec, int length, int history, int[] reset)
    {
        var random = new Random(17);
        var weight = new Parameter("w", new float[length], decays: false);
        var optimizer = new AdamW(spec, [weight], history + 1);
        for (int step = 0; step < history; step++)
        {
            FillGradient(random, weight);
            optimizer.Step(step);
        }

        weight.ResetState(reset);
        FillGradient(random, weight);
        double[] before = ToDouble(weight.Values);
        optimizer.Step(history);
        return [.. before.Select((b, i) => Math.Abs(weight.Values[i] - b))];
    }
}
