using SparseDsl.ScalingLaws;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>The fitter recovers known constants from noisy synthetic runs, for each law.</summary>
public sealed class RecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public void Chinchilla_NoisyRuns_RecoversConstants()
    {
        ScalingParameters truth = new(ChinchillaLaw.Instance, [6.0, 6.5, 0.5, 0.34, 0.28]);
        List<ScalingObservation> runs = SyntheticRuns.Generate(
            truth, SyntheticRuns.LogSpace(1e7, 1e10, 7), SyntheticRuns.LogSpace(1e9, 1e12, 7), [1.0], [1.0], 0.003, seed: 11);

        FitResult fit = ScalingLawFitter.Fit(ChinchillaLaw.Instance, runs, new FitOptions { MaxStarts = 12 });
        output.WriteLine($"{fit.Parameters}  R2 {fit.R2}");

        Assert.False(fit.TiedExponents);
        Assert.InRange(fit.Parameters["alpha"], 0.30, 0.38);
        Assert.InRange(fit.Parameters["beta"], 0.25, 0.31);
        Assert.InRange(fit.Parameters["e"], 0.45, 0.55);
        AssertPredictsLike(truth, fit.Parameters, 0.01);
    }

    [Fact]
    public void DataConstrained_NoisyRuns_RecoversConstants()
    {
        ScalingParameters truth = DataConstrainedLaw.Instance.Published;
        // The recipe fits the base constants on 1-epoch runs with no decay, which is exact only for runs that are not
        // larger than compute-optimal for their data (U_N = N): so the 1-epoch runs have plenty of data.
        List<ScalingObservation> runs =
        [
            .. SyntheticRuns.Generate(truth, SyntheticRuns.LogSpace(1e7, 1e9, 5), SyntheticRuns.LogSpace(2e10, 2e11, 4), [1], [1.0], 0.003, seed: 12),
            .. SyntheticRuns.Generate(truth, SyntheticRuns.LogSpace(1e7, 3e9, 5), SyntheticRuns.LogSpace(1e8, 1e10, 4), [2, 4, 8, 16, 40], [1.0], 0.003, seed: 13),
        ];

        FitResult fit = ScalingLawFitter.Fit(DataConstrainedLaw.Instance, runs, new FitOptions { MaxStarts = 8 });
        output.WriteLine($"{fit.Parameters}  R2 {fit.R2}");

        Assert.True(fit.TiedExponents);
        Assert.Equal(fit.Parameters["alpha"], fit.Parameters["beta"]);
        Assert.InRange(fit.Parameters["alpha"], 0.32, 0.39);
        Assert.InRange(fit.Parameters["rd_star"], 15.387756 / 2, 15.387756 * 2);
        Assert.InRange(fit.Parameters["rn_star"], 5.309743 / 2, 5.309743 * 2);
        AssertPredictsLike(truth, fit.Parameters, 0.01);
    }

    [Fact]
    public void SparseDataConstrained_NoisyRuns_RecoversConstantsInStages()
    {
        ScalingParameters truth = SparseDataConstrainedLaw.Instance.Published;
        double[] densities = [1, 0.5, 0.25, 0.125, 0.0625];
        List<ScalingObservation> runs =
        [
            .. SyntheticRuns.Generate(truth, SyntheticRuns.LogSpace(2e7, 2e9, 5), [3e10, 1e11], [1], densities, 0.002, seed: 14),
            .. SyntheticRuns.Generate(truth, SyntheticRuns.LogSpace(2e7, 2e9, 4), [1e8, 1e9], [2, 4, 8, 16], densities, 0.002, seed: 15),
        ];

        FitResult fit = ScalingLawFitter.Fit(SparseDataConstrainedLaw.Instance, runs, new FitOptions { MaxStarts = 6 });
        output.WriteLine($"{fit.Parameters}  R2 {fit.R2}");
        foreach (StageResult stage in fit.Stages)
        {
            output.WriteLine($"{stage.Name}: {stage.Runs} runs, free {string.Join(",", stage.Free)}, objective {stage.Objective}");
        }

        Assert.Equal(["dense 1-epoch", "all 1-epoch", "dense multi-epoch", "sparse multi-epoch"], fit.Stages.Select(s => s.Name));
        Assert.InRange(fit.Parameters["alpha"], 0.29, 0.37);
        double fTrue = SparseDataConstrainedLaw.F(0.25, truth["epsilon"], truth["mu"], truth["c"]);
        double fFit = SparseDataConstrainedLaw.F(0.25, fit.Parameters["epsilon"], fit.Parameters["mu"], fit.Parameters["c"]);
        Assert.InRange(fFit / fTrue, 0.9, 1.1);
        Assert.True(fit.R2 > 0.99, $"R² {fit.R2}");
        AssertPredictsLike(truth, fit.Parameters, 0.01, sparse: true);
    }

    /// <summary>Predictions on fresh points inside the sampled range agree within <paramref name="tolerance"/> (relative).</summary>
    private static void AssertPredictsLike(ScalingParameters truth, ScalingParameters fitted, double tolerance, bool sparse = false)
    {
        var rng = new Random(99);
        for (int k = 0; k < 50; k++)
        {
            double n = Math.Exp(Math.Log(3e7) + rng.NextDouble() * Math.Log(50));
            double u = Math.Exp(Math.Log(2e8) + rng.NextDouble() * Math.Log(10));
            double epochs = 1 + rng.NextDouble() * 7;
            double d = sparse ? Math.Pow(2, -rng.Next(0, 4)) : 1.0;
            double expected = truth.Law.Loss(truth, n * d, u * epochs, u, d);
            double actual = fitted.Law.Loss(fitted, n * d, u * epochs, u, d);
            Assert.True(Math.Abs(actual / expected - 1) < tolerance, $"N={n:G3} U={u:G3} epochs={epochs:G3} d={d}: {actual} vs {expected}");
        }
    }
}
