using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>Predictions from the published sparse constants, and figures and reports written to disk.</summary>
public sealed class PredictionAndPlotTests : IDisposable
{
    private static readonly ScalingParameters Sparse = SparseDataConstrainedLaw.Instance.Published;

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "sparsedsl-plots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Fact]
    public void LossOptimalDensity_IsSparseAndBeatsDense()
    {
        DensityOptimum best = ScalingPredictions.LossOptimalDensity(Sparse, 1e9);
        double dense = Sparse.Law.Loss(Sparse, 1e30, 1e39, 1e9, 1.0);

        Assert.InRange(best.Density, ScalingPredictions.MinDensity, 0.99);
        Assert.True(best.Loss <= dense);
    }

    [Fact]
    public void ComputeOptimal_SpendsTheBudget()
    {
        ComputeOptimum best = ScalingPredictions.ComputeOptimal(Sparse, 1e20, 1e9);

        Assert.Equal(1e20, 6 * best.ActiveParams * best.Tokens, 1e20 * 1e-9);
        Assert.Equal(best.Tokens / 1e9, best.Epochs, 1e-9);
        Assert.InRange(best.Density, ScalingPredictions.MinDensity, 1.0);
        double atHalfSize = Sparse.Law.Loss(Sparse, best.ActiveParams / 2, best.Tokens * 2, 1e9, best.Density);
        Assert.True(best.Loss <= atHalfSize + 1e-12);
    }

    [Fact]
    public void RepetitionStopsPaying_LaterWithLargerDecayConstant()
    {
        ScalingParameters dense = DataConstrainedLaw.Instance.Published;
        double early = ScalingPredictions.EpochsWhereRepetitionStopsPaying(dense.With("rd_star", 5), 1e9, 1e9);
        double late = ScalingPredictions.EpochsWhereRepetitionStopsPaying(dense.With("rd_star", 50), 1e9, 1e9);

        Assert.InRange(early, 1, 10_000);
        Assert.True(late > early, $"{late} vs {early}");
    }

    [Fact]
    public void SparseFit_WritesAllFiguresAndReport()
    {
        double[] densities = [1, 0.5, 0.25];
        List<ScalingObservation> runs =
        [
            .. SyntheticRuns.Generate(Sparse, [3e7, 3e8], [3e10], [1], densities, 0.002, seed: 21),
            .. SyntheticRuns.Generate(Sparse, [3e7, 3e8], [1e8, 1e9], [1, 4, 16], densities, 0.002, seed: 22),
        ];
        FitResult fit = ScalingLawFitter.Fit(SparseDataConstrainedLaw.Instance, runs, new FitOptions
        {
            MaxStarts = 0,
            Bootstrap = 2,
            Frozen = new Dictionary<string, double> { ["a"] = Sparse["a"], ["b"] = Sparse["b"], ["e"] = Sparse["e"], ["alpha"] = Sparse["alpha"] },
        });

        string report = FitReport.WriteMarkdown(_temp, fit, runs, "synthetic");

        foreach (string name in new[] { "loss_vs_tokens", "iso_loss", "optimal_density", "residuals" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(_temp, name + ".png"));
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray());
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(_temp, name + ".svg")));
        }

        string md = File.ReadAllText(report);
        Assert.Contains("| gamma1 |", md);
        Assert.Contains("Loss-optimal density", md);
        Assert.Contains("![optimal_density](optimal_density.png)", md);
    }

    [Fact]
    public void Json_HasTheDocumentedFields()
    {
        List<ScalingObservation> runs = SyntheticRuns.Generate(
            ChinchillaLaw.Instance.Published, [1e7, 1e8, 1e9], [1e9, 1e10, 1e11], [1], [1.0], 0.003, seed: 5);
        FitResult fit = ScalingLawFitter.Fit(ChinchillaLaw.Instance, runs, new FitOptions { MaxStarts = 2, Holdout = HoldoutPredicate.Parse("params==max") });

        using var doc = System.Text.Json.JsonDocument.Parse(FitReport.ToJson(fit));
        var root = doc.RootElement;
        Assert.Equal("chinchilla", root.GetProperty("law").GetString());
        Assert.Equal(5, root.GetProperty("parameters").EnumerateObject().Count());
        Assert.Equal(6, root.GetProperty("n").GetInt32());
        Assert.Equal(3, root.GetProperty("holdout_n").GetInt32());
        Assert.True(root.TryGetProperty("holdout_r2", out _));
        Assert.True(root.TryGetProperty("objective", out _));
        Assert.True(root.TryGetProperty("r2", out _));
    }
}
