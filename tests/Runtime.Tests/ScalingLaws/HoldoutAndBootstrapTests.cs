using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>--holdout predicates, frozen constants and bootstrap intervals.</summary>
public sealed class HoldoutAndBootstrapTests
{
    private static readonly IReadOnlyList<ScalingObservation> Runs = ScalingCsv.Read(TestFiles.Datablations);

    private static readonly Dictionary<string, double> PublishedBase = new()
    {
        ["a"] = 6.255414, ["b"] = 7.3049974, ["e"] = 0.6254804, ["alpha"] = 0.3526596,
    };

    [Theory]
    [InlineData("params==max", 8.67e9, 8.67e9)]
    [InlineData("params>=1e9", 1e9, 8.67e9)]
    [InlineData("params<1e8 && epochs>4", 0, 1e8)]
    public void Predicate_SelectsMatchingRuns(string text, double lo, double hi)
    {
        bool[] mask = HoldoutPredicate.Parse(text).Evaluate(Runs);
        Assert.Contains(true, mask);
        for (int i = 0; i < Runs.Count; i++)
        {
            if (mask[i])
            {
                Assert.InRange(Runs[i].Params, lo, hi);
            }
        }
    }

    [Theory]
    [InlineData("params", "--holdout: cannot read 'params'")]
    [InlineData("params>=big", "--holdout: 'big' in 'params>=big' is not a number, max or min")]
    [InlineData("flops>1", "--holdout: run 1 has no column 'flops'")]
    public void BadPredicate_SaysHowToWriteIt(string text, string expectedStart)
    {
        var ex = Assert.Throws<ScalingLawException>(() => HoldoutPredicate.Parse(text).Evaluate(Runs));
        Assert.StartsWith(expectedStart, ex.Message);
    }

    [Fact]
    public void HoldoutLargestModel_ReportsHeldOutR2()
    {
        FitResult fit = ScalingLawFitter.Fit(DataConstrainedLaw.Instance, Runs, new FitOptions
        {
            Frozen = PublishedBase,
            Holdout = HoldoutPredicate.Parse("params==max"),
            MaxStarts = 4,
        });

        int held = Runs.Count(r => r.Params == Runs.Max(x => x.Params));
        Assert.Equal(held, fit.HoldoutN);
        Assert.Equal(Runs.Count - held, fit.N);
        Assert.NotNull(fit.HoldoutR2);
        Assert.Equal(held, fit.Residuals.Count(r => r.HeldOut));
    }

    [Fact]
    public void Bootstrap_GivesIntervalsForFreeConstantsAndPredictions()
    {
        FitResult fit = ScalingLawFitter.Fit(DataConstrainedLaw.Instance, Runs, new FitOptions
        {
            Frozen = PublishedBase,
            Bootstrap = 8,
            MaxStarts = 4,
        });

        Assert.NotNull(fit.Intervals);
        Assert.Equal(["rd_star", "rn_star"], fit.Intervals!.Select(i => i.Name));
        Assert.All(fit.Intervals!, i => Assert.True(i.Lower <= i.Upper));
        Assert.Equal(8, fit.BootstrapSamples.Count);
        Assert.All(fit.BootstrapSamples, s => Assert.Equal(6.255414, s["a"]));

        (double lo, double hi) = fit.IntervalOf(p => p.Law.Loss(p, 1e9, 4e10, 1e9))!.Value;
        Assert.True(lo <= hi);
        Assert.InRange(fit.Parameters.Law.Loss(fit.Parameters, 1e9, 4e10, 1e9), lo - 0.05, hi + 0.05);
    }

    [Fact]
    public void FreezingUnknownConstant_NamesTheLawsConstants()
    {
        var ex = Assert.Throws<ScalingLawException>(() =>
            ScalingParameters.ParseAssignments(DataConstrainedLaw.Instance, "a=6.2,gamma=3"));
        Assert.Equal("--freeze: data-constrained has no parameter 'gamma'; its parameters are a, b, e, alpha, beta, rd_star, rn_star.", ex.Message);
    }

    [Fact]
    public void TiedExponents_FreezingAlphaFreezesBeta()
    {
        FitResult fit = ScalingLawFitter.Fit(DataConstrainedLaw.Instance, Runs, new FitOptions { Frozen = PublishedBase, MaxStarts = 2 });
        Assert.Equal(0.3526596, fit.Parameters["beta"]);
        Assert.True(fit.Frozen.ContainsKey("beta"));
    }
}

/// <summary>Staged versus joint fitting on the datablations runs.</summary>
public sealed class StagingTests
{
    [Fact]
    public void JointFit_FromStagedStart_IsNoWorseAndHasOneStage()
    {
        IReadOnlyList<ScalingObservation> runs = ScalingCsv.Read(TestFiles.Datablations);
        FitResult staged = ScalingLawFitter.Fit(DataConstrainedLaw.Instance, runs, new FitOptions { MaxStarts = 4 });
        FitResult joint = ScalingLawFitter.Fit(DataConstrainedLaw.Instance, runs, new FitOptions { MaxStarts = 4, Staged = false });

        Assert.Equal(["1-epoch", "multi-epoch"], staged.Stages.Select(s => s.Name));
        Assert.Equal(["joint"], joint.Stages.Select(s => s.Name));
        Assert.True(staged.R2 > 0.9, $"staged R² {staged.R2}");
        Assert.True(joint.R2 > 0.9, $"joint R² {joint.R2}");
    }
}
