using System.Globalization;
using System.Text;
using SparseDsl.Kernels;

namespace SparseDsl.Runtime.Tests.Kernels;

/// <summary>Seeded random inputs and a tolerance check that prints the first mismatches and the max error (llm.c check_tensor).</summary>
internal static class TestTensors
{
    internal static float[] Random(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        }

        return a;
    }

    /// <summary>Fails unless |actual − expected| ≤ abs + rel·|expected| everywhere.</summary>
    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double abs, double rel, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: length {actual.Length} < {expected.Length}");
        var report = new StringBuilder();
        int bad = 0;
        double maxErr = 0;
        int maxAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double err = Math.Abs(a - e);
            if (double.IsNaN(a) || double.IsNaN(e))
            {
                err = double.PositiveInfinity;
            }

            if (err > maxErr)
            {
                maxErr = err;
                maxAt = i;
            }

            if (!(err <= abs + rel * Math.Abs(e)))
            {
                if (bad < 8)
                {
                    report.Append(CultureInfo.InvariantCulture, $"  [{i}] expected {e:R} got {a:R} (|err| {err:G3})\n");
                }

                bad++;
            }
        }

        Assert.True(bad == 0, string.Create(CultureInfo.InvariantCulture,
            $"{what}: {bad} of {expected.Length} outside abs {abs:G3} + rel {rel:G3}; max |err| {maxErr:G3} at [{maxAt}]\n{report}"));
    }

    internal static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double abs, double rel, string what)
    {
        var e = new float[expected.Length];
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = (float)expected[i];
        }

        AssertClose(e, actual, abs, rel, what);
    }
}

readonly struct S784x1000 : ILayerShape { public static int In => 784; public static int Out => 1000; }

readonly struct S1000x10 : ILayerShape { public static int In => 1000; public static int Out => 10; }

readonly struct S33x17 : ILayerShape { public static int In => 33; public static int Out => 17; }

readonly struct S1x1 : ILayerShape { public static int In => 1; public static int Out => 1; }

readonly struct S100x70 : ILayerShape { public static int In => 100; public static int Out => 70; }

readonly struct S257x129 : ILayerShape { public static int In => 257; public static int Out => 129; }
