using System.Globalization;
using System.Text;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Optimizers;

/// <summary>Seeded parameters and gradients, and a float32-vs-float64 comparison that reports the first mismatches.</summary>
internal static class OptimizerTestKit
{
    /// <summary>Lengths covering a scalar-only array, a vector body with a tail, and the multi-core chunked path.</summary>
    public static readonly int[] Lengths = [1, 7, 1003, 2 * Optimizer.ChunkLength + 37];

    public static Parameter RandomParameter(Random random, string name, int length, bool decays = true, double density = 1.0)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(2 * random.NextDouble() - 1);
        }

        return new Parameter(name, values, decays) { Density = density };
    }

    public static void FillGradient(Random random, Parameter parameter)
    {
        for (int i = 0; i < parameter.Length; i++)
        {
            parameter.Grad[i] = (float)(2 * random.NextDouble() - 1);
        }
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere; on failure lists the first mismatches and the max error.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var report = new StringBuilder();
        int mismatches = 0;
        double maxError = 0;
        int maxAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (error > maxError || double.IsNaN(error))
            {
                maxError = error;
                maxAt = i;
            }

            if (!(error <= atol + rtol * Math.Abs(expected[i])))
            {
                if (mismatches < 5)
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"  [{i}] expected {expected[i]:R}, got {actual[i]:R}, error {error:E3}");
                }

                mismatches++;
            }
        }

        if (mismatches > 0)
        {
            Assert.Fail($"{what}: {mismatches} of {expected.Length} values differ (atol {atol:E1}, rtol {rtol:E1}); max error {maxError:E3} at [{maxAt}]\n{report}");
        }
    }
}
