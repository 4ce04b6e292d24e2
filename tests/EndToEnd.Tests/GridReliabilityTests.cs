using System.Globalization;
using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Testing;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// The generated CheckMlp trained through the experiment program's <c>run</c> verb in this process: two workers share
/// one store file, a diverging point is stored as diverged while the grid goes on, and a disk that fills mid-run stops
/// the worker with one line while every stored result survives.
/// </summary>
public sealed class GridReliabilityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sparsedsl-grid-").FullName;

    private string Db => Path.Combine(_folder, "results.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TwoRunVerbsOnOneStore_WithoutShards_FinishEveryPointExactlyOnce()
    {
        var study = Study("1, 2, 3, 4, 5, 6", optimizer: "adamw lr=1e-2", steps: 120);
        var runs = new (int Code, string Stdout, string Stderr)[2];

        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, w => runs[w] = Run(study, "run", "--store", Db));

        var done = runs.Select(r => DoneIds(r.Stdout)).ToArray();
        output.WriteLine(runs[0].Stdout + runs[1].Stdout);
        Assert.All(runs, r => Assert.True(r.Code == 0, r.Stderr));
        Assert.Empty(done[0].Intersect(done[1]));
        var ids = StudyPlan.Resolve(study).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ids, done[0].Concat(done[1]).Order(StringComparer.Ordinal));
        using IResultStore store = ResultStores.Open(Db);
        Assert.All(store.ListRuns(study.Name), r =>
        {
            Assert.Equal((RunStatus.Finished, 1), (r.Status, r.Attempts));
            Assert.Equal([60L, 120L], store.GetEvals(r.Id).Select(e => e.Step));
        });
    }

    [Fact]
    public void LossThatBecomesNaN_PointStoredAsDivergedWithItsStep_GridGoesOn()
    {
        // The issue's own example: plain SGD at lr=1e4 on a ReLU network overflows within a few dozen steps.
        var study = new StudyDefinition(
            "NanStudy", DeviceMlp.Spec, "synthetic", Steps: 200, Batch: 32, EvalEvery: 100,
            Optimizer: "sgd lr=1e-2", Schedule: "static",
            Grid: [new GridAxisText("lr", "1e4, 1e-2")],
            CreateNetwork: options => new DeviceMlp(options));

        var (code, stdout, stderr) = Run(study, "run", "--store", Db);
        var (again, againOut, _) = Run(study, "run", "--store", Db);

        output.WriteLine(stdout);
        Assert.True(code == 0, stderr);
        Assert.Contains("diverged", stdout, StringComparison.Ordinal);
        using IResultStore store = ResultStores.Open(Db);
        var points = StudyPlan.Resolve(study);
        RunRecord diverged = store.GetRun(points[0].Id)!;
        Assert.Equal(RunStatus.Diverged, diverged.Status);
        Assert.InRange(diverged.DivergedStep!.Value, 2, 200);
        Assert.Matches("^loss became (NaN|[+-]infinity) at step [0-9]+$", diverged.Error!);
        Assert.Null(diverged.Final);
        Assert.Equal(RunStatus.Finished, store.GetRun(points[1].Id)!.Status);
        Assert.True(double.IsFinite(store.GetRun(points[1].Id)!.Final!.TestLoss));

        // A rerun leaves a diverged point alone: it is a result, like a finished one.
        Assert.Equal(0, again);
        Assert.Contains("2 point(s) selected, 2 already finished (1 diverged), 0 to run", againOut, StringComparison.Ordinal);
    }

    [FullDiskFact]
    public void DiskFullMidRun_WorkerStopsWithOneLine_EveryStoredResultSurvives()
    {
        using TinyDisk disk = Faults.MountTinyDisk(kib: 16 * 1024); // room for the WAL of the first run
        string db = Path.Combine(disk.Folder, "results.db");
        var study = Study("1, 2", optimizer: "adamw lr=1e-2", steps: 400, evalEvery: 2);
        var points = StudyPlan.Resolve(study);
        var data = SyntheticData.Create(new SyntheticOptions(Seed: 0, Features: 19, Classes: 4, Noise: 2.5));
        using (IResultStore store = ResultStores.Open(db))
        {
            new StudyRunner(study, store, data).Run(points[0]);
        }

        ResultStoreException error;
        using (IResultStore store = ResultStores.Open(db))
        {
            var filling = new StudyRunner(study, store, data) { Progress = (_, step, _) => { if (step == 10) { disk.Fill(); } } };
            error = Assert.Throws<ResultStoreException>(() => filling.Run(points[1]));
        }

        output.WriteLine(error.Message);
        Assert.StartsWith($"the disk holding results store '{db}' is full", error.Message, StringComparison.Ordinal);
        disk.Free();
        using IResultStore reopened = ResultStores.Open(db);
        RunRecord kept = reopened.GetRun(points[0].Id)!;
        Assert.Equal(RunStatus.Finished, kept.Status);
        Assert.Equal(200, reopened.GetEvals(points[0].Id).Count);
        Assert.Equal(RunStatus.Running, reopened.GetRun(points[1].Id)!.Status);
    }

    private static StudyDefinition Study(string seeds, string optimizer, int steps, int evalEvery = 60) => new(
        "GridStudy", CheckMlp.Spec, "synthetic", Steps: steps, Batch: 32, EvalEvery: evalEvery,
        Optimizer: optimizer, Schedule: "static",
        Grid: [new GridAxisText("seed", seeds)],
        CreateNetwork: options => new CheckMlp(options));

    private static (int Code, string Stdout, string Stderr) Run(StudyDefinition study, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = ExperimentProgram.Run(args, [study], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The run ids of the <c>  done ID …</c> lines.</summary>
    internal static List<string> DoneIds(string stdout) =>
        stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("done ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
}
