using System.Globalization;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Training;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// A checkpoint that cannot be written mid-run (the disk full, the point's folder unusable), through the experiment
/// program's <c>run</c> verb in this process: the worker stops with the line naming the file, the older checkpoint and
/// every stored evaluation stay, and the next <c>run</c> resumes the point from that checkpoint and finishes the grid.
/// </summary>
public sealed class CheckpointFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sparsedsl-ckpt-fault-").FullName;

    private string Db => Path.Combine(_folder, "results.db");

    private string Checkpoints => Path.Combine(_folder, "checkpoints");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DiskFullAtACheckpoint_WorkerStopsWithOneLineNamingIt_OlderCheckpointAndEvaluationsKept_NextRunResumes()
    {
        var study = Study();
        var points = StudyPlan.Resolve(study);
        string pointFolder = Path.Combine(Checkpoints, points[0].Id);
        Directory.CreateDirectory(pointFolder);
        // The write of step 60's checkpoint goes to /dev/full: every write fails with ENOSPC, as on a full disk.
        string failing = Path.Combine(pointFolder, "step-000000060.ckpt");
        File.CreateSymbolicLink(failing + ".tmp", "/dev/full");

        var (code, stdout, stderr) = Run(study, "run", "--store", Db, "--checkpoint-every", "30", "--checkpoint-dir", Checkpoints);

        output.WriteLine(stdout + stderr);
        Assert.Equal(1, code);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"  failed {points[0].Id} seed=1: cannot write checkpoint '{failing}' (", lines[0], StringComparison.Ordinal);
        Assert.Contains("the older checkpoints are kept", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("stopped: the checkpoint folder cannot take more checkpoints", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(failing + ".tmp"), "the half-written file is removed");
        Assert.Equal(30, new CheckpointFolder(pointFolder).LoadLatest(line => Assert.Fail(line))!.Step);
        using (IResultStore store = ResultStores.Open(Db))
        {
            Assert.Equal(RunStatus.Failed, store.GetRun(points[0].Id)!.Status);
            Assert.Equal([50L], store.GetEvals(points[0].Id).Select(e => e.Step));
            Assert.Equal(RunStatus.Pending, store.GetRun(points[1].Id)!.Status); // the worker stopped: the next point would fail the same way
        }

        var (again, againOut, againErr) = Run(study, "run", "--store", Db, "--checkpoint-every", "30", "--checkpoint-dir", Checkpoints);

        output.WriteLine(againOut + againErr);
        Assert.True(again == 0, againErr);
        Assert.Contains($"resuming {points[0].Id} from its checkpoint at step 30", againOut, StringComparison.Ordinal);
        using IResultStore reopened = ResultStores.Open(Db);
        Assert.All(points, p => Assert.Equal(RunStatus.Finished, reopened.GetRun(p.Id)!.Status));
        Assert.Equal([50L, 100L], reopened.GetEvals(points[0].Id).Select(e => e.Step));
    }

    [Fact]
    public void PointCheckpointFolderIsAFile_WorkerStopsWithOneLineNamingIt_NothingStoredIsLost()
    {
        var study = Study();
        var points = StudyPlan.Resolve(study);
        Directory.CreateDirectory(Checkpoints);
        string blocked = Path.Combine(Checkpoints, points[0].Id);
        File.WriteAllText(blocked, "not a folder");

        var (code, stdout, stderr) = Run(study, "run", "--store", Db, "--checkpoint-every", "30", "--checkpoint-dir", Checkpoints);

        output.WriteLine(stdout + stderr);
        Assert.Equal(1, code);
        Assert.StartsWith($"  failed {points[0].Id} seed=1: cannot write checkpoint '{Path.Combine(blocked, "step-000000030.ckpt")}' (", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(blocked));
        using IResultStore store = ResultStores.Open(Db);
        Assert.Equal(RunStatus.Failed, store.GetRun(points[0].Id)!.Status);
    }

    private static StudyDefinition Study() => new(
        "CheckpointFaultStudy", CheckMlp.Spec, "synthetic", Steps: 100, Batch: 32, EvalEvery: 50,
        Optimizer: "adamw lr=1e-2", Schedule: "set every=20 drop=0.3",
        Grid: [new GridAxisText("seed", "1, 2")],
        CreateNetwork: options => new CheckMlp(options));

    private static (int Code, string Stdout, string Stderr) Run(StudyDefinition study, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = ExperimentProgram.Run(args, [study], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
