using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels;

public class ActivationsTests
{
    public static TheoryData<Activation, int> Cases()
    {
        var data = new TheoryData<Activation, int>();
        foreach (Activation act in Enum.GetValues<Activation>())
        {
            // The last count is split across cores (from 2^15 values), in ranges that end off a whole vector.
            foreach (int count in new[] { 1, 7, 16, 128 * 7 + 5, (1 << 15) + 37 })
            {
                data.Add(act, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_MatchesReference(Activation act, int count)
    {
        float[] y = TestTensors.Random(count + 3, 1, scale: 6f);
        float[] input = (float[])y.Clone();
        var expected = new double[count + 3];
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = i < count ? ReferenceKernels.Activate(act, input[i]) : input[i];
        }

        Activations.Forward(act, y, count);
        TestTensors.AssertClose(expected, y, 2e-7, 2e-6, $"{act} forward");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesFiniteDifferences(Activation act, int count)
    {
        float[] pre = TestTensors.Random(count, 2, scale: 3f);
        for (int i = 0; i < count; i++)
        {
            // Keep Relu's kink out of reach of the finite-difference step.
            if (Math.Abs(pre[i]) < 1e-3f)
            {
                pre[i] = 0.5f;
            }
        }

        float[] y = (float[])pre.Clone();
        Activations.Forward(act, y, count);
        float[] upstream = TestTensors.Random(count, 3);
        float[] dy = (float[])upstream.Clone();
        Activations.Backward(act, y, dy, count);

        const double h = 1e-6;
        var expected = new double[count];
        for (int i = 0; i < count; i++)
        {
            double slope = (ReferenceKernels.Activate(act, pre[i] + h) - ReferenceKernels.Activate(act, pre[i] - h)) / (2 * h);
            expected[i] = upstream[i] * slope;
        }

        // The derivative is taken from the float32 output y, so the error is that of y (~1e-7 relative), not of h.
        TestTensors.AssertClose(expected, dy, 1e-6, 1e-5, $"{act} backward");
    }

    [Fact]
    public void Forward_ExtremeInputs_StayFinite()
    {
        foreach (Activation act in new[] { Activation.Tanh, Activation.Sigmoid })
        {
            float[] y = new float[32];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (i % 2 == 0 ? 1 : -1) * (float)Math.Pow(10, i % 5) * 10f;
            }

            Activations.Forward(act, y, y.Length);
            Assert.All(y, v => Assert.True(float.IsFinite(v), $"{act}: {v}"));
        }
    }
}
