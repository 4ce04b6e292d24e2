using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels;

public class LossesTests
{
    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 7)]
    [InlineData(10, 128)]
    [InlineData(3, 5)]
    [InlineData(10, 37)]
    [InlineData(1, 16)]
    [InlineData(47, 48)]
    public void SoftmaxCrossEntropy_MatchesReference(int classes, int batch)
    {
        float[] logits = TestTensors.Random(classes * batch, 4, scale: 5f);
        var labels = new int[batch];
        var rng = new Random(5);
        for (int b = 0; b < batch; b++)
        {
            labels[b] = rng.Next(classes);
        }

        double[] logits64 = Array.ConvertAll(logits, v => (double)v);
        (double eLoss, int eCorrect, double[] eGrad) = ReferenceKernels.SoftmaxCrossEntropy(logits64, labels, classes, batch);
        var grad = new float[classes * batch];
        (double loss, int correct) = SoftmaxCrossEntropy.Compute(logits, labels, classes, batch, grad);
        Assert.Equal(eCorrect, correct);
        Assert.True(Math.Abs(loss - eLoss) <= 1e-5 * batch, $"loss {loss} vs {eLoss}");
        TestTensors.AssertClose(eGrad, grad, 1e-7, 1e-5, "dLogits");
    }

    [Theory]
    [InlineData(10, 7)]
    [InlineData(4, 3)]
    public void SoftmaxCrossEntropy_GradientMatchesFiniteDifferences(int classes, int batch)
    {
        float[] logits = TestTensors.Random(classes * batch, 6, scale: 3f);
        int[] labels = Enumerable.Range(0, batch).Select(b => (b * 7) % classes).ToArray();
        var grad = new float[classes * batch];
        SoftmaxCrossEntropy.Compute(logits, labels, classes, batch, grad);

        double[] z = Array.ConvertAll(logits, v => (double)v);
        const double h = 1e-5;
        var expected = new double[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            double keep = z[i];
            z[i] = keep + h;
            double up = ReferenceKernels.SoftmaxCrossEntropy(z, labels, classes, batch).LossSum / batch;
            z[i] = keep - h;
            double down = ReferenceKernels.SoftmaxCrossEntropy(z, labels, classes, batch).LossSum / batch;
            z[i] = keep;
            expected[i] = (up - down) / (2 * h);
        }

        TestTensors.AssertClose(expected, grad, 1e-7, 1e-5, "dLogits vs finite differences of the mean loss");
    }

    [Fact]
    public void SoftmaxCrossEntropy_HugeLogits_AreStable()
    {
        // classes 2, batch 2 (feature-major): sample 0 has logits (1e30, 1000), sample 1 has (-1e30, 999); both labelled 1.
        float[] logits = [1e30f, -1e30f, 1000f, 999f];
        var grad = new float[4];
        (double loss, int correct) = SoftmaxCrossEntropy.Compute(logits, [1, 1], 2, 2, grad);
        Assert.Equal(1, correct);
        Assert.Equal(1e30, loss, 1e24); // sample 0 loses 1e30 − 1000, sample 1 loses ~0
        Assert.Equal([0.5f, 0f, -0.5f, 0f], grad);
    }

    /// <summary>Sixteen samples per vector: huge logits stay finite, ties go to the first class, and the gradient may overwrite the logits.</summary>
    [Fact]
    public void SoftmaxCrossEntropy_SixteenAtATime_HugeLogitsTiesAndInPlace()
    {
        const int classes = 3, batch = 32;
        float[] logits = TestTensors.Random(classes * batch, 9, scale: 4f);
        logits[0] = 1e30f; // sample 0: class 0 dominates
        logits[batch + 1] = logits[1] = 2f; // sample 1: classes 0 and 1 tie above class 2
        logits[(2 * batch) + 1] = -1f;
        int[] labels = [.. Enumerable.Range(0, batch).Select(b => b % classes)];
        double[] logits64 = Array.ConvertAll(logits, v => (double)v);
        (double eLoss, int eCorrect, double[] eGrad) = ReferenceKernels.SoftmaxCrossEntropy(logits64, labels, classes, batch);
        (double loss, int correct) = SoftmaxCrossEntropy.Compute(logits, labels, classes, batch, logits);
        Assert.Equal(eCorrect, correct);
        Assert.Equal(eLoss, loss, eLoss * 1e-6);
        TestTensors.AssertClose(eGrad, logits, 1e-7, 1e-5, "dLogits written over the logits");
    }

    [Fact]
    public void SoftmaxCrossEntropy_LabelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.Compute(new float[4], [0, 2], 2, 2, new float[4]));
    }

    [Fact]
    public void MeanSquaredError_ValueAndGradientMatchFiniteDifferences()
    {
        const int outputs = 5, batch = 7, count = outputs * batch;
        float[] o = TestTensors.Random(count, 1), t = TestTensors.Random(count, 2);
        var grad = new float[count];
        double lossSum = MeanSquaredError.Compute(o, t, count, batch, grad);

        double Loss(double[] v)
        {
            double s = 0;
            for (int i = 0; i < count; i++)
            {
                s += 0.5 * (v[i] - t[i]) * (v[i] - t[i]);
            }

            return s;
        }

        double[] v = Array.ConvertAll(o, x => (double)x);
        Assert.True(Math.Abs(Loss(v) - lossSum) <= 1e-12 * Loss(v), $"loss {lossSum} vs {Loss(v)}");
        const double h = 1e-6;
        var expected = new double[count];
        for (int i = 0; i < count; i++)
        {
            double keep = v[i];
            v[i] = keep + h;
            double up = Loss(v) / batch;
            v[i] = keep - h;
            double down = Loss(v) / batch;
            v[i] = keep;
            expected[i] = (up - down) / (2 * h);
        }

        TestTensors.AssertClose(expected, grad, 1e-7, 1e-5, "dOutput vs finite differences of the mean loss");
    }
}
