using SparseDsl.Runtime.Tests.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels.Transformer;

/// <summary>Central finite differences of float64 reference forwards, compared with the float32 backward kernels.</summary>
internal static class FiniteDifferences
{
    internal static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);

    /// <summary>The scalar objective the tests differentiate: Σ_i y[i]·w[i] (w plays ∂loss/∂y).</summary>
    internal static double Weighted(double[] y, float[] w)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += y[i] * w[i];
        }

        return sum;
    }

    /// <summary>
    /// Checks <paramref name="actual"/>[i] ≈ (f(at + h·e_i) − f(at − h·e_i)) / 2h for every i (or for
    /// <paramref name="sample"/> seeded random indices when given, for the larger shapes), with <paramref name="at"/>
    /// restored after each probe.
    /// </summary>
    internal static void AssertGradient(
        ReadOnlySpan<float> actual, double[] at, Func<double[], double> f, string what, double abs = 2e-4, double rel = 2e-3, int? sample = null, double h = 1e-5)
    {
        var rng = new Random(1000);
        int[] indices = sample is int count && count < at.Length
            ? Enumerable.Range(0, count).Select(_ => rng.Next(at.Length)).ToArray()
            : Enumerable.Range(0, at.Length).ToArray();
        var expected = new double[indices.Length];
        var got = new float[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            double saved = at[i];
            at[i] = saved + h;
            double plus = f(at);
            at[i] = saved - h;
            double minus = f(at);
            at[i] = saved;
            expected[k] = (plus - minus) / (2 * h);
            got[k] = actual[i];
        }

        TestTensors.AssertClose(expected, got, abs, rel, what);
    }
}
