using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>A store written before canonical run records keeps its finished runs: `run` adopts them under their new ids.</summary>
public sealed class RunIdMigrationTests : IDisposable
{
    private readonly FitStudy study = new();

    public void Dispose() => study.Dispose();

    [Fact]
    public void StoreWithFormat1Ids_RunAdoptsItsFinishedRuns_AndTrainsNothing()
    {
        File.Copy(Path.Combine(Source(), "TestData", "results-ids-v1.db"), study.Db);
        var points = StudyPlan.Resolve(FitStudy.Definition);
        Assert.Equal(["b2de2cbaac6a", "a56593ce73d1"], points.Select(p => p.LegacyId));
        using (IResultStore before = ResultStores.Open(study.Db))
        {
            Assert.All(points, p => Assert.Null(before.GetRun(p.Id)));
        }

        // `list` shows them finished before anything is written; `run` adopts them and has nothing to train.
        var (listCode, _, listErr) = FitStudy.Run("list", "--store", study.Db);
        Assert.True(listCode == 0, listErr);
        var (code, stdout, stderr) = FitStudy.Run("run", "--store", study.Db);

        Assert.True(code == 0, stderr);
        Assert.Contains("FitStudy: 2 run(s) stored under the ids of an earlier SparseDsl now have their canonical ids (results kept)", stdout, StringComparison.Ordinal);
        Assert.Contains("2 already finished, 0 to run", stdout, StringComparison.Ordinal);
        using IResultStore after = ResultStores.Open(study.Db);
        foreach (StudyPoint point in points)
        {
            RunRecord run = after.GetRun(point.Id)!;
            Assert.Equal(RunStatus.Finished, run.Status);
            Assert.Equal(point.Config.ToCanonicalJson(), run.ConfigJson);
            Assert.Equal(0.95, run.Final!.TestLoss);
            Assert.Equal([50L, 100L], after.GetEvals(point.Id).Select(e => e.Step));
            Assert.Single(after.GetMetrics(point.Id, "run/"));
            Assert.Null(after.GetRun(point.LegacyId));
        }

        Assert.Equal(2, after.ListRuns(FitStudy.Name).Count);
        // A second run finds them under the new ids at once.
        Assert.DoesNotContain("earlier SparseDsl", FitStudy.Run("run", "--store", study.Db).Stdout, StringComparison.Ordinal);
    }

    private static string Source([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, ".."));
}
