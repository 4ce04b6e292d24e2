using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels;

public class DenseKernelsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(128)]
    public void Forward_MatchesReference(int batch)
    {
        Check<S784x1000>(batch);
        Check<S1000x10>(batch);
        Check<S33x17>(batch);
        Check<S1x1>(batch);
        Check<S257x129>(batch);

        static void Check<T>(int batch) where T : ILayerShape
        {
            int inputs = T.In, outputs = T.Out;
            float[] w = TestTensors.Random(outputs * inputs, 1), bias = TestTensors.Random(outputs, 2), x = TestTensors.Random(inputs * batch, 3);
            float[] y = TestTensors.Random(outputs * batch, 4), expected = new float[outputs * batch];
            ReferenceKernels.DenseForward(w, bias, x, expected, inputs, outputs, batch);
            DenseKernels.Forward<T>(w, bias, x, y, batch);
            TestTensors.AssertClose(expected, y, 1e-5 + 1e-6 * inputs, 1e-5, $"y {outputs}x{inputs} batch {batch}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(128)]
    public void Backward_MatchesReference(int batch)
    {
        Check<S784x1000>(batch, withDx: true);
        Check<S784x1000>(batch, withDx: false);
        Check<S1000x10>(batch, withDx: true);
        Check<S33x17>(batch, withDx: true);
        Check<S1x1>(batch, withDx: true);
        Check<S257x129>(batch, withDx: true);

        static void Check<T>(int batch, bool withDx) where T : ILayerShape
        {
            int inputs = T.In, outputs = T.Out;
            float[] w = TestTensors.Random(outputs * inputs, 1), x = TestTensors.Random(inputs * batch, 3), dy = TestTensors.Random(outputs * batch, 5);
            float[] dW = TestTensors.Random(outputs * inputs, 6), db = TestTensors.Random(outputs, 7);
            float[]? dx = withDx ? TestTensors.Random(inputs * batch, 8) : null;
            float[] eW = new float[dW.Length], eb = new float[db.Length];
            float[]? ex = withDx ? new float[inputs * batch] : null;
            ReferenceKernels.DenseBackward(w, x, dy, eW, eb, ex, inputs, outputs, batch);
            DenseKernels.Backward<T>(w, x, dy, dW, db, dx, batch);
            string shape = $"{outputs}x{inputs} batch {batch}";
            TestTensors.AssertClose(eW, dW, 1e-5 + 1e-6 * batch, 1e-5, "dW " + shape);
            TestTensors.AssertClose(eb, db, 1e-5 + 1e-6 * batch, 1e-5, "db " + shape);
            if (ex is not null)
            {
                TestTensors.AssertClose(ex, dx, 1e-5 + 1e-6 * outputs, 1e-5, "dx " + shape);
            }
        }
    }

    [Fact]
    public void Forward_WrongArrayLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.Forward<S33x17>(new float[33 * 17], new float[17], new float[33 * 4], new float[17 * 3], 4));
    }
}
