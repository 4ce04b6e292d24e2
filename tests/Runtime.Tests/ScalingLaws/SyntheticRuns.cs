using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>Fresh seeded runs drawn from a law with known constants and multiplicative log-normal noise.</summary>
internal static class SyntheticRuns
{
    public static List<ScalingObservation> Generate(
        ScalingParameters truth, double[] rawParams, double[] uniqueTokens, double[] epochs, double[] densities, double noise, int seed)
    {
        var rng = new Random(seed);
        var runs = new List<ScalingObservation>();
        foreach (double n in rawParams)
        {
            foreach (double u in uniqueTokens)
            {
                foreach (double ep in epochs)
                {
                    foreach (double d in densities)
                    {
                        double tokens = u * ep;
                        double clean = truth.Law.Loss(truth, n * d, tokens, u, d);
                        double loss = clean * Math.Exp(noise * Gaussian(rng));
                        runs.Add(new ScalingObservation(n, null, d, tokens, u, loss));
                    }
                }
            }
        }

        return runs;
    }

    public static double[] LogSpace(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => from * Math.Pow(to / from, i / (double)(count - 1))).ToArray();

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
