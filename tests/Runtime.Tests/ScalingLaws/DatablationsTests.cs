using SparseDsl.ScalingLaws;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>The 182 C4 runs of Muennighoff et al. with their published base constants frozen (SCIENCE.md §2).</summary>
public sealed class DatablationsTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, double> PublishedBase = new()
    {
        ["a"] = 6.255414,
        ["b"] = 7.3049974,
        ["e"] = 0.6254804,
        ["alpha"] = 0.3526596,
        ["beta"] = 0.3526596,
    };

    [Fact]
    public void FrozenBaseConstants_FitRStars_ReachPublishedObjectiveAndR2()
    {
        IReadOnlyList<ScalingObservation> runs = ScalingCsv.Read(TestFiles.Datablations);
        Assert.Equal(182, runs.Count);

        FitResult fit = ScalingLawFitter.Fit(
            DataConstrainedLaw.Instance, runs, new FitOptions { Frozen = PublishedBase, MaxStarts = 16 });

        ScalingParameters published = DataConstrainedLaw.Instance.Published;
        double publishedObjective = ScalingLawFitter.Objective(published, runs);
        double publishedR2 = ScalingLawFitter.RSquared(published, runs);
        output.WriteLine($"fit: {fit.Parameters} objective {fit.Objective:R} R2 {fit.R2:R}");
        output.WriteLine($"published: objective {publishedObjective:R} R2 {publishedR2:R}");
        foreach (FlatDirection flat in fit.FlatDirections)
        {
            output.WriteLine("flat: " + flat.Description);
        }

        Assert.Equal(182, fit.N);
        Assert.True(fit.R2 >= 0.77, $"R² {fit.R2}");
        Assert.True(fit.Objective <= publishedObjective * (1 + 1e-9), $"objective {fit.Objective} > published {publishedObjective}");
        Assert.Equal(["rd_star", "rn_star"], fit.FreeParameters);
    }
}
