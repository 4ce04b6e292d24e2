using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>A generated model trained through the experiment runner on synthetic data, results in a temp store.</summary>
public sealed class TrainingTests
{
    [Fact]
    public void GeneratedStudy_LossFallsAndEveryEvalIsStored()
    {
        var study = new StudyDefinition(
            "CheckStudy", CheckMlp.Spec, "synthetic", Steps: 150, Batch: 32, EvalEvery: 50,
            Optimizer: "adamw lr=1e-2", Schedule: "static",
            Grid: new[] { new GridAxisText("sparsity", "0.6"), new GridAxisText("seed", "1") },
            CreateNetwork: options => new CheckMlp(options));
        var data = SyntheticData.Create(new SyntheticOptions(Seed: 4, Features: 19, Classes: 4));
        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-e2e-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using var store = ResultStores.Open(path);
            var point = StudyPlan.Resolve(study).Single();
            double? first = null;
            var runner = new StudyRunner(study, store, data) { Progress = (_, step, loss) => first ??= loss };

            var summary = runner.Run(point);

            Assert.True(summary.Final.TrainLoss < 0.7 * first!.Value, $"train loss {summary.Final.TrainLoss} did not fall from {first}");
            Assert.Equal(RunStatus.Finished, store.GetRun(point.Id)!.Status);
            Assert.Equal(new long[] { 50, 100, 150 }, store.GetEvals(point.Id).Select(e => e.Step));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
