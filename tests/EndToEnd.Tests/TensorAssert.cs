namespace SparseDsl.EndToEnd.Tests;

/// <summary>Compares against a float64 reference; on failure lists the first mismatches and the max error.</summary>
internal static class TensorAssert
{
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double absolute, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var mismatches = new List<string>();
        double maxError = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            maxError = Math.Max(maxError, error);
            if (error > absolute + relative * Math.Abs(expected[i]) && mismatches.Count < 5)
            {
                mismatches.Add($"[{i}] expected {expected[i]:G9}, got {actual[i]:G9}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{what}: max error {maxError:G3}; first mismatches: {string.Join("; ", mismatches)}");
    }

    public static double[] Random(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
}
