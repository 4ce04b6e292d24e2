using SparseDsl.ScalingLaws;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>
/// The predictions against closed forms and plain reference loops (<see cref="ReferenceLaws"/>), on fresh random
/// constants around the published ones (the seed is printed).
/// </summary>
public sealed class PredictionReferenceTests(ITestOutputHelper output)
{
    private const int Draws = 8;

    [Fact]
    public void ComputeOptimal_Chinchilla_MatchesClosedForm()
    {
        Random rng = Fresh();
        for (int k = 0; k < Draws; k++)
        {
            ScalingParameters p = new(ChinchillaLaw.Instance,
                [Near(rng, Math.Log(406.4), 0.5), Near(rng, Math.Log(410.7), 0.5), Near(rng, Math.Log(1.69), 0.2), Near(rng, 0.34, 0.06), Near(rng, 0.28, 0.06)]);
            double compute = Math.Pow(10, Near(rng, 21, 3));
            double bigA = Math.Exp(p["a"]), bigB = Math.Exp(p["b"]), alpha = p["alpha"], beta = p["beta"];

            // dL/dN = 0 for L = E + A/N^α + B/(C/6N)^β: N_opt = G·(C/6)^(β/(α+β)), G = (α·A/(β·B))^(1/(α+β)).
            double nOpt = Math.Pow(alpha * bigA / (beta * bigB), 1 / (alpha + beta)) * Math.Pow(compute / 6, beta / (alpha + beta));
            double dOpt = compute / (6 * nOpt);
            double lossOpt = Math.Exp(p["e"]) + bigA / Math.Pow(nOpt, alpha) + bigB / Math.Pow(dOpt, beta);

            ComputeOptimum best = ScalingPredictions.ComputeOptimal(p, compute, uniqueTokens: 1e30);

            output.WriteLine($"{p}  C {compute:G3}: N {best.ActiveParams:G6} vs {nOpt:G6}");
            Assert.Equal(1.0, best.Density);
            Assert.Equal(1.0, best.ActiveParams / nOpt, 1e-5);
            Assert.Equal(1.0, best.Tokens / dOpt, 1e-5);
            Assert.Equal(lossOpt, best.Loss, lossOpt * 1e-12);
        }
    }

    [Fact]
    public void RepetitionStopsPaying_DataConstrained_MatchesPlainLoop()
    {
        Random rng = Fresh();
        for (int k = 0; k < Draws; k++)
        {
            double alpha = Near(rng, 0.35, 0.05);
            ScalingParameters p = new(DataConstrainedLaw.Instance,
                [Near(rng, 6.26, 0.5), Near(rng, 7.30, 0.5), Near(rng, 0.63, 0.2), alpha, alpha, Math.Exp(Near(rng, 2.5, 1.0)), Math.Exp(Near(rng, 1.7, 1.0))]);
            double n = Math.Pow(10, Near(rng, 8.5, 1.5));
            double u = Math.Pow(10, Near(rng, 9.5, 1.5));

            double expected = PlainLoop(e => ReferenceLaws.DataConstrained(p, n, e * u, u));
            double actual = ScalingPredictions.EpochsWhereRepetitionStopsPaying(p, n, u);

            output.WriteLine($"{p}  N {n:G3} U {u:G3}: {actual} epochs");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void RepetitionStopsPaying_Sparse_MatchesPlainLoop()
    {
        Random rng = Fresh();
        for (int k = 0; k < Draws; k++)
        {
            ScalingParameters p = SparseAround(rng);
            double d = Math.Pow(2, -rng.Next(0, 6));
            double n = Math.Pow(10, Near(rng, 8.5, 1.5)) * d;
            double u = Math.Pow(10, Near(rng, 9.5, 1.5));

            double expected = PlainLoop(e => ReferenceLaws.Sparse(p, n, e * u, u, d));
            double actual = ScalingPredictions.EpochsWhereRepetitionStopsPaying(p, n, u, d);

            output.WriteLine($"{p}  N {n:G3} U {u:G3} d {d}: {actual} epochs");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void LossOptimalDensity_Sparse_MatchesLimitFormulaAndBruteForce()
    {
        Random rng = Fresh();
        double[] grid = Enumerable.Range(0, 20_001).Select(i => Math.Pow(ScalingPredictions.MinDensity, 1 - i / 20_000.0)).ToArray();
        for (int k = 0; k < Draws; k++)
        {
            ScalingParameters p = SparseAround(rng);
            double u = Math.Pow(10, Near(rng, 9.5, 2));
            double brute = grid.Min(d => ReferenceLaws.SparseLimit(p, u, d));

            DensityOptimum best = ScalingPredictions.LossOptimalDensity(p, u);

            output.WriteLine($"{p}  U {u:G3}: d {best.Density:G6}, loss {best.Loss:G10} vs grid {brute:G10}");
            Assert.Equal(ReferenceLaws.SparseLimit(p, u, best.Density), best.Loss, best.Loss * 1e-12);
            Assert.Equal(brute, best.Loss, brute * 1e-7);
            Assert.True(best.Loss <= brute + brute * 1e-12, $"{best.Loss} above the grid minimum {brute}");
        }
    }

    [Fact]
    public void LossOptimalDensity_FixedSize_MatchesBruteForce()
    {
        Random rng = Fresh();
        double[] grid = Enumerable.Range(0, 20_001).Select(i => Math.Pow(ScalingPredictions.MinDensity, 1 - i / 20_000.0)).ToArray();
        for (int k = 0; k < Draws; k++)
        {
            ScalingParameters p = SparseAround(rng);
            double raw = Math.Pow(10, Near(rng, 9, 1));
            double u = Math.Pow(10, Near(rng, 9, 1));
            double tokens = u * Math.Pow(2, rng.Next(0, 6));
            double brute = grid.Min(d => ReferenceLaws.Sparse(p, raw * d, tokens, u, d));

            DensityOptimum best = ScalingPredictions.LossOptimalDensity(p, raw, tokens, u);

            output.WriteLine($"{p}  N_raw {raw:G3} U {u:G3} D {tokens:G3}: d {best.Density:G6}");
            Assert.Equal(ReferenceLaws.Sparse(p, raw * best.Density, tokens, u, best.Density), best.Loss, best.Loss * 1e-12);
            Assert.Equal(brute, best.Loss, brute * 1e-7);
        }
    }

    /// <summary>The first epoch count E (from 1) after which epoch E+1 gains less than 1e-3 nats; capped at 10,000.</summary>
    private static double PlainLoop(Func<int, double> lossAtEpochs)
    {
        for (int epochs = 1; epochs < 10_000; epochs++)
        {
            if (lossAtEpochs(epochs) - lossAtEpochs(epochs + 1) < 1e-3)
            {
                return epochs;
            }
        }

        return 10_000;
    }

    /// <summary>The published sparse constants with the scales, exponents and decay sizes moved (shapes kept, so f, R* &gt; 0).</summary>
    private static ScalingParameters SparseAround(Random rng)
    {
        ScalingParameters p = SparseDataConstrainedLaw.Instance.Published;
        return p.With("a", Near(rng, p["a"], 0.4)).With("b", Near(rng, p["b"], 0.4)).With("e", Near(rng, p["e"], 0.2))
            .With("alpha", Near(rng, p["alpha"], 0.05)).With("epsilon", Near(rng, p["epsilon"], 0.01)).With("mu", Near(rng, p["mu"], 0.2))
            .With("gamma1", p["gamma1"] * Math.Exp(Near(rng, 0, 0.7))).With("gamma2", p["gamma2"] * Math.Exp(Near(rng, 0, 0.7)));
    }

    private static double Near(Random rng, double x, double spread) => x + spread * (2 * rng.NextDouble() - 1);

    private Random Fresh()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        return new Random(seed);
    }
}
