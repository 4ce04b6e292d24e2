using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

public class MlpActivationsTests
{
    // 1 and 7: scalar only; 26: 16 + 8 + 2; 40,003: split across cores, with tails.
    public static TheoryData<int> Counts() => new() { 1, 7, 26, 40_003 };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Gelu_MatchesReference(int count)
    {
        float[] x = TestTensors.Random(count, 1, scale: 6f);
        float[] y = TestTensors.Random(count, 2);
        Gelu.Forward(x, y, count);
        TestTensors.AssertClose(x.Select(v => TransformerReference.Gelu(v)).ToArray(), y, 5e-7, 2e-6, "gelu");
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void GeluBackward_MatchesFiniteDifferences(int count)
    {
        float[] x = TestTensors.Random(count, 3, scale: 6f);
        float[] dy = TestTensors.Random(count, 4);
        float[] dx = (float[])dy.Clone();   // in place: dx may be dy
        Gelu.Backward(x, dx, dx, count);
        const double h = 1e-5;
        var expected = new double[count];
        for (int i = 0; i < count; i++)
        {
            expected[i] = dy[i] * (TransformerReference.Gelu(x[i] + h) - TransformerReference.Gelu(x[i] - h)) / (2 * h);
        }

        TestTensors.AssertClose(expected, dx, 1e-6, 1e-5, "dx");
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void SwiGlu_MatchesReference(int count)
    {
        float[] a = TestTensors.Random(count, 5, scale: 8f);
        float[] b = TestTensors.Random(count, 6, scale: 2f);
        float[] y = TestTensors.Random(count, 7);
        SwiGlu.Forward(a, b, y, count);
        TestTensors.AssertClose(a.Select((v, i) => TransformerReference.SwiGlu(v, b[i])).ToArray(), y, 5e-7, 2e-6, "swiglu");
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void SwiGluBackward_MatchesFiniteDifferences(int count)
    {
        float[] a = TestTensors.Random(count, 8, scale: 8f);
        float[] b = TestTensors.Random(count, 9, scale: 2f);
        float[] dy = TestTensors.Random(count, 10);
        float[] da = (float[])a.Clone(), db = (float[])b.Clone();   // in place: da = a, db = b
        SwiGlu.Backward(da, db, dy, da, db, count);
        const double h = 1e-5;
        var expectedA = new double[count];
        var expectedB = new double[count];
        for (int i = 0; i < count; i++)
        {
            expectedA[i] = dy[i] * (TransformerReference.SwiGlu(a[i] + h, b[i]) - TransformerReference.SwiGlu(a[i] - h, b[i])) / (2 * h);
            expectedB[i] = dy[i] * (TransformerReference.SwiGlu(a[i], b[i] + h) - TransformerReference.SwiGlu(a[i], b[i] - h)) / (2 * h);
        }

        TestTensors.AssertClose(expectedA, da, 1e-6, 1e-5, "da");
        TestTensors.AssertClose(expectedB, db, 1e-6, 1e-5, "db");
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void Residual_AddsInPlace(int count)
    {
        float[] y = TestTensors.Random(count + 2, 11);
        float[] x = TestTensors.Random(count + 2, 12);
        float[] expected = y.Select((v, i) => i < count ? v + x[i] : v).ToArray();
        Residual.Add(y, x, count);
        Assert.Equal(expected, y);
    }
}
