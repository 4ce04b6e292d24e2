using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>Limits in which one law reduces to another, and one value of the seed law computed by hand.</summary>
public sealed class LawInvariantTests
{
    private static readonly (double N, double D, double U)[] Points =
    [
        (1e7, 1e9, 1e9), (1e8, 4e9, 1e9), (2.8e9, 5.5e10, 4e9), (5e8, 1e11, 1e9), (3e9, 3e9, 1e10), (1e9, 1.6e10, 1e8),
    ];

    [Fact]
    public void SparseLawAtDensityOne_EqualsDenseDataConstrainedForm()
    {
        ScalingParameters sparse = SparseDataConstrainedLaw.Instance.Published;
        ScalingParameters dense = new(DataConstrainedLaw.Instance,
        [
            sparse["a"], sparse["b"], sparse["e"], sparse["alpha"], sparse["alpha"], sparse["gamma2"], sparse["gamma1"],
        ]);

        foreach ((double n, double d, double u) in Points)
        {
            double expected = DataConstrainedLaw.Instance.Loss(dense, n, d, u);
            double actual = SparseDataConstrainedLaw.Instance.Loss(sparse, n, d, u, density: 1.0);
            Assert.Equal(expected, actual, 1e-12);
        }
    }

    [Fact]
    public void InfiniteDecayConstants_ReduceToChinchilla()
    {
        ScalingParameters chinchilla = new(ChinchillaLaw.Instance, [6.2, 7.1, 0.6, 0.35, 0.31]);
        ScalingParameters dataConstrained = new(DataConstrainedLaw.Instance, [6.2, 7.1, 0.6, 0.35, 0.31, 1e15, 1e15]);
        ScalingParameters sparse = SparseDataConstrainedLaw.Instance.Published
            .With("a", 6.2).With("b", 7.1).With("e", 0.6).With("alpha", 0.35)
            .With("gamma1", double.PositiveInfinity).With("gamma2", double.PositiveInfinity);
        ScalingParameters chinchillaTied = new(ChinchillaLaw.Instance, [6.2, 7.1, 0.6, 0.35, 0.35]);

        foreach ((double n, double d, double u) in Points)
        {
            double expected = ChinchillaLaw.Instance.Loss(chinchilla, n, d, u);
            Assert.Equal(expected, DataConstrainedLaw.Instance.Loss(dataConstrained, n, d, u), 1e-9);
            Assert.Equal(
                ChinchillaLaw.Instance.Loss(chinchillaTied, n, d, u),
                SparseDataConstrainedLaw.Instance.Loss(sparse, n, d, u, density: 1.0),
                1e-12);
        }
    }

    [Fact]
    public void PublishedSparseConstants_ReproduceHandComputedValue()
    {
        // Straight from SCIENCE.md §1 in float64, without logs: N_raw = 1e9 at d = 0.25, U = 1e9, D = 8e9.
        double a = 5.240737, b = 6.103031, e = 0.853550, alpha = 0.326822, beta = 0.326822;
        double eps = -0.0096804, mu = 0.846618, c = -0.272889;
        double g1 = 11.087637, g2 = 4.404749, c11 = 1.903956, c12 = 1.821381, c21 = 2.799093, c22 = 1.365309;
        double d = 0.25, n = 1e9 * d, u = 1e9, tokens = 8e9;
        double bigA = Math.Exp(a), bigB = Math.Exp(b), bigE = Math.Exp(e);

        double f = Math.Pow(d, eps) + c * Math.Pow(1 - d, mu);
        double g = Math.Pow(alpha * bigA * f / (beta * bigB), 1 / (alpha + beta));
        double compute = 6 * Math.Pow(g * u, (alpha + beta) / alpha);
        double nOpt = g * Math.Pow(compute / 6, beta / (alpha + beta));
        double uN = Math.Min(n, nOpt);
        double rN = Math.Max(n / uN - 1, 0);
        double rD = Math.Max(tokens / u - 1, 0);
        double rNStar = g1 * (1 + c11 * (1 - d) - c21 * (1 - d) * (1 - d));
        double rDStar = g2 * (1 + c12 * (1 - d) - c22 * (1 - d) * (1 - d));
        double nEff = uN + uN * rNStar * (1 - Math.Exp(-rN / rNStar));
        double dEff = u + u * rDStar * (1 - Math.Exp(-rD / rDStar));
        double expected = bigE + bigA * f / Math.Pow(nEff, alpha) + bigB / Math.Pow(dEff, beta);

        double actual = SparseDataConstrainedLaw.Instance.Loss(SparseDataConstrainedLaw.Instance.Published, n, tokens, u, d);

        Assert.Equal(expected, actual, 1e-12);
        Assert.InRange(actual, 2.0, 5.0);
    }

    [Fact]
    public void DensityOne_FIsOneForAnyShape()
    {
        Assert.Equal(1.0, SparseDataConstrainedLaw.F(1.0, -0.3, 0.8, -0.9));
        Assert.Equal(7.0, SparseDataConstrainedLaw.Decay(1.0, 7.0, 2.0, 3.0));
    }
}
