using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// The data-regime grid axes (issue 10) through the runner: the generated CheckMlp trains each point for the steps its
/// regime gives, and the store keeps U, epochs, sampling and D.
/// </summary>
public sealed class DataRegimeTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sparsedsl-regime-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void EpochsAxis_TrainsTheStepsOfTheRegime_StoreKeepsUEpochsSamplingAndD()
    {
        var study = new StudyDefinition(
            "RegimeStudy", CheckMlp.Spec, "synthetic", Steps: 1000, Batch: 32, EvalEvery: 0,
            Optimizer: "adamw lr=1e-2", Schedule: "static",
            Grid: [new GridAxisText("sampling", "full, 'rs2 r=0.1'"), new GridAxisText("unique_tokens", "640"), new GridAxisText("epochs", "3")],
            CreateNetwork: options => new CheckMlp(options));
        var data = SyntheticData.Create(new SyntheticOptions(Seed: 0, Features: 19, Classes: 4, Noise: 2.5));
        var points = StudyPlan.Resolve(study);

        using IResultStore store = ResultStores.Open(Path.Combine(_folder, "results.db"));
        var runner = new StudyRunner(study, store, data);
        var full = runner.Run(points[0]);
        var rs2 = runner.Run(points[1]);

        // full: 640 / 32 = 20 steps per epoch, 3 epochs; RS2 r=0.1: rounds of 64, 2 steps each.
        Assert.Equal((60, 1920L), (full.Final.Step, full.SamplesSeen));
        Assert.Equal((6, 192L), (rs2.Final.Step, rs2.SamplesSeen));
        RunRecord stored = store.GetRun(points[1].Id)!;
        Assert.Equal(192L, stored.Final!.SamplesSeen);
        Assert.EndsWith(""","sampling":"rs2 r=0.1","unique_tokens":640,"epochs":3}""", stored.ConfigJson);
        Assert.Contains("\"steps\":0", stored.ConfigJson);
    }
}
