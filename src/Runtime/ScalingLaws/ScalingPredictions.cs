namespace SparseDsl.ScalingLaws;

/// <summary>The loss-optimal density and its loss.</summary>
public sealed record DensityOptimum(double Density, double Loss);

/// <summary>A compute-optimal allocation: density, active parameters N, tokens D = C/(6N), epochs D/U, loss.</summary>
public sealed record ComputeOptimum(double Density, double ActiveParams, double Tokens, double Epochs, double Loss);

/// <summary>
/// Questions answered from fitted constants. Densities are searched on [<see cref="MinDensity"/>, 1]
/// (a log grid, then golden-section refinement); compute is C = 6·N·D with N the active parameters.
/// </summary>
public static class ScalingPredictions
{
    /// <summary>Smallest density searched (1/256).</summary>
    public const double MinDensity = 1.0 / 256;

    /// <summary>
    /// The density with the lowest reachable loss for U unique tokens when model size and training tokens are
    /// unlimited: the limit N, D → ∞ of the law (N′ → U_N·(1 + R_N*), D′ → U·(1 + R_D*)).
    /// </summary>
    public static DensityOptimum LossOptimalDensity(ScalingParameters p, double uniqueTokens) =>
        MinimizeOverDensity(d => p.Law.Loss(p, 1e30, 1e30 * uniqueTokens, uniqueTokens, d));

    /// <summary>The density with the lowest loss for a model of <paramref name="rawParams"/> (dense-equivalent) parameters
    /// trained on <paramref name="tokens"/> tokens drawn from <paramref name="uniqueTokens"/> unique ones.</summary>
    public static DensityOptimum LossOptimalDensity(ScalingParameters p, double rawParams, double tokens, double uniqueTokens) =>
        MinimizeOverDensity(d => p.Law.Loss(p, rawParams * d, tokens, uniqueTokens, d));

    /// <summary>The compute-optimal density and allocation for a budget of <paramref name="compute"/> FLOPs and U unique tokens.</summary>
    public static ComputeOptimum ComputeOptimal(ScalingParameters p, double compute, double uniqueTokens)
    {
        DensityOptimum best = MinimizeOverDensity(d => BestSize(p, compute, uniqueTokens, d).Loss);
        (double n, double loss) = BestSize(p, compute, uniqueTokens, best.Density);
        double tokens = compute / (6.0 * n);
        return new ComputeOptimum(best.Density, n, tokens, tokens / uniqueTokens, loss);
    }

    /// <summary>
    /// The epochs after which one more epoch over the same U tokens lowers the loss by less than
    /// <paramref name="tolerance"/> (nats): where repetition stops paying. Capped at 10,000.
    /// </summary>
    public static double EpochsWhereRepetitionStopsPaying(
        ScalingParameters p, double activeParams, double uniqueTokens, double density = 1.0, double tolerance = 1e-3)
    {
        double previous = p.Law.Loss(p, activeParams, uniqueTokens, uniqueTokens, density);
        for (int epochs = 2; epochs <= 10_000; epochs++)
        {
            double loss = p.Law.Loss(p, activeParams, epochs * uniqueTokens, uniqueTokens, density);
            if (previous - loss < tolerance)
            {
                return epochs - 1;
            }

            previous = loss;
        }

        return 10_000;
    }

    /// <summary>min over N of L(N, D = C/(6N)) at density d (log grid, then golden section).</summary>
    private static (double N, double Loss) BestSize(ScalingParameters p, double compute, double uniqueTokens, double d)
    {
        double Loss(double logN)
        {
            double n = Math.Exp(logN);
            return p.Law.Loss(p, n, compute / (6.0 * n), uniqueTokens, d);
        }

        // N from 1e3 up to the size at which D would be 1e3 tokens.
        double lo = Math.Log(1e3);
        double hi = Math.Log(Math.Max(compute / 6e3, 1e4));
        double logN = GridThenGolden(Loss, lo, hi, 120);
        return (Math.Exp(logN), Loss(logN));
    }

    private static DensityOptimum MinimizeOverDensity(Func<double, double> lossAt)
    {
        double logD = GridThenGolden(x => lossAt(Math.Exp(x)), Math.Log(MinDensity), 0.0, 64);
        double d = Math.Min(Math.Exp(logD), 1.0);
        double loss = lossAt(d);
        double dense = lossAt(1.0);
        return dense <= loss ? new DensityOptimum(1.0, dense) : new DensityOptimum(d, loss);
    }

    private static double GridThenGolden(Func<double, double> f, double lo, double hi, int gridPoints)
    {
        int best = 0;
        double bestF = double.PositiveInfinity;
        double step = (hi - lo) / (gridPoints - 1);
        for (int i = 0; i < gridPoints; i++)
        {
            double v = f(lo + i * step);
            if (v < bestF)
            {
                bestF = v;
                best = i;
            }
        }

        double a = lo + Math.Max(best - 1, 0) * step;
        double b = lo + Math.Min(best + 1, gridPoints - 1) * step;
        double ratio = (Math.Sqrt(5.0) - 1.0) / 2.0;
        double x1 = b - ratio * (b - a);
        double x2 = a + ratio * (b - a);
        double f1 = f(x1);
        double f2 = f(x2);
        for (int k = 0; k < 60; k++)
        {
            if (f1 < f2)
            {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - ratio * (b - a);
                f1 = f(x1);
            }
            else
            {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + ratio * (b - a);
                f2 = f(x2);
            }
        }

        double x = (a + b) / 2.0;
        return f(x) <= bestF ? x : lo + best * step;
    }
}
