namespace SparseDsl.Language.Tests.Grid;

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

public class RunIdsTests
{
    [Fact]
    public void Compute_IsTwelveLowercaseHex()
    {
        string id = RunIds.Compute("model=Examples.Mlp");
        Assert.Equal(12, id.Length);
        Assert.Matches("^[0-9a-f]{12}$", id);
    }

    [Fact]
    public void Compute_KnownValue() =>
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        Assert.Equal("ba7816bf8f01", RunIds.Compute("abc"));

    [Fact]
    public void Compute_IsStableAndDistinguishes()
    {
        Assert.Equal(RunIds.Compute("sparsity=0.9"), RunIds.Compute("sparsity=0.9"));
        Assert.NotEqual(RunIds.Compute("sparsity=0.9"), RunIds.Compute("sparsity=0.95"));
    }

    [Fact]
    public void Canonical_IgnoresInsertionOrder()
    {
        var a = new[] { new KeyValuePair<string, string>("seed", "1"), new KeyValuePair<string, string>("lr", "0.001") };
        Assert.Equal("lr=0.001\nseed=1", RunIds.Canonical(a));
        Assert.Equal(RunIds.Canonical(a), RunIds.Canonical(a.Reverse()));
    }

    [Fact]
    public void Canonical_RejectsDuplicateKeys() =>
        Assert.Throws<System.ArgumentException>(() => RunIds.Canonical(new[] { new KeyValuePair<string, string>("a", "1"), new KeyValuePair<string, string>("a", "2") }));

    [Fact]
    public void CanonicalConfig_IsCultureInvariant()
    {
        ExperimentSpec experiment = Experiment(grid: new[] { ("sparsity", "0.95"), ("lr", "1e-3") });
        GridPoint point = GridPoints.Expand(GridPoints.Parse(experiment.Grid).Value)[0];
        CultureInfo before = CultureInfo.CurrentCulture;
        string invariant = RunIds.CanonicalConfig(experiment, point);
        try
        {
            // A culture that writes 0,95 and a Unicode minus (globalization-invariant mode forbids named cultures).
            var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            odd.NumberFormat.NumberDecimalSeparator = ",";
            odd.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = odd;
            Assert.Equal(invariant, RunIds.CanonicalConfig(experiment, point));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }

        Assert.Contains("sparsity=0.95", invariant);
        Assert.Contains("lr=0.001", invariant);
    }

    [Fact]
    public void CanonicalConfig_GridOverridesSteps()
    {
        ExperimentSpec experiment = Experiment(steps: 1000, grid: new[] { ("steps", "500") });
        GridPoint point = GridPoints.Expand(GridPoints.Parse(experiment.Grid).Value)[0];
        string config = RunIds.CanonicalConfig(experiment, point);
        Assert.Contains("steps=500", config);
        Assert.DoesNotContain("steps=1000", config);
    }

    [Fact]
    public void For_GivesDistinctIdsPerPoint()
    {
        ExperimentSpec experiment = Experiment(grid: new[] { ("sparsity", "0, 0.5, 0.9"), ("seed", "1..3") });
        string[] ids = GridPoints.Expand(GridPoints.Parse(experiment.Grid).Value).Select(p => RunIds.For(experiment, p)).ToArray();
        Assert.Equal(9, ids.Distinct().Count());
    }

    [Fact]
    public void CanonicalConfig_Snapshot()
    {
        ExperimentSpec experiment = Experiment(optimizer: "adamw lr=1e-3 wd=1e-4", schedule: "rigl", grid: new[] { ("sparsity", "0.9"), ("distribution", "\"erk\"") });
        GridPoint point = GridPoints.Expand(GridPoints.Parse(experiment.Grid).Value)[0];
        SparseDsl.Testing.Snapshot.Match(RunIds.CanonicalConfig(experiment, point) + "\nid=" + RunIds.For(experiment, point) + "\n", "RunIds.CanonicalConfig");
    }
}
