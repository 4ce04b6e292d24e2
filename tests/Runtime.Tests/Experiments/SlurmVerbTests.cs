using System.Diagnostics;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>
/// The <c>slurm</c> verb: the script it writes (bash reads it, and each value comes back as the one argument it was),
/// what it refuses, and <c>--submit</c> against a fake <c>sbatch</c> (or none) on PATH. PATH is changed for the
/// process, so these tests run alone (<see cref="PathCollection"/>).
/// </summary>
[Collection(PathCollection.Name)]
public sealed class SlurmVerbTests : IDisposable
{
    private const string Evil = "x'; rm -rf / #";
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData(Evil)]
    [InlineData("$(touch pwned) `id` \"$HOME\" \\ * ~ ; | & \n second line")]
    [InlineData("'''")]
    public void Quote_BashReadsBackTheExactValue(string value)
    {
        string[] words = ArgumentsBashSees("printf '%s\\0' " + SlurmScript.Quote(value) + " end");

        Assert.Equal([value, "end"], words);
    }

    [Fact]
    public void Script_HasTheArrayAndDirectives_AndEachTaskRunsAWorkerOnTheStore()
    {
        string file = _study.PathOf("job.sbatch");
        string data = _study.PathOf(Evil);
        string checkpoints = _study.PathOf("shared checkpoints");

        var (code, stdout, stderr) = FitStudy.Run("slurm", "--tasks", "3", "--time", "00:10:00", "--partition", "debug", "--cpus-per-task", "2",
            "--mem", "1G", "--gpus", "1", "--store", _study.Db, "--output", file, "--lease", "10", "--steps", "40", "--data-dir", data,
            "--checkpoint-every", "250", "--checkpoint-dir", checkpoints);

        Assert.True(code == 0, stderr);
        Assert.Contains($"wrote {file}: 3 array task(s)", stdout, StringComparison.Ordinal);
        Assert.Contains("note: an SQLite store serves tasks on one node", stdout, StringComparison.Ordinal);
        string script = File.ReadAllText(file);
        string[] lines = script.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Contains("#SBATCH --array=0-2", lines);
        Assert.Contains("#SBATCH --job-name=FitStudy", lines);
        Assert.Contains("#SBATCH --time=00:10:00", lines);
        Assert.Contains("#SBATCH --partition=debug", lines);
        Assert.Contains("#SBATCH --cpus-per-task=2", lines);
        Assert.Contains("#SBATCH --gpus=1", lines);
        Assert.Contains("#SBATCH --mem=1G", lines);
        Assert.Contains("#SBATCH --output=FitStudy-%A_%a.out", lines);
        Assert.Contains("#SBATCH --requeue", lines);
        Assert.Contains("#SBATCH --open-mode=append", lines);
        Assert.Equal(0, Bash("-n", file).Code);

        // Run the script with `exec` and `hostname` stood in for: the worker's arguments as the shell passes them.
        string[] worker = ArgumentsBashSees($"exec() {{ printf '%s\\0' \"$@\"; }}; hostname() {{ :; }}; source {SlurmScript.Quote(file)}");
        int run = Array.IndexOf(worker, "run");
        Assert.True(run > 0, string.Join(" | ", worker));
        Assert.Equal(
            ["run", "--worker", "--store", _study.Db, "--steps", "40", "--checkpoint-every", "250", "--checkpoint-dir", checkpoints, "--lease", "10", "--data-dir", data],
            worker[run..]);
        Assert.False(File.Exists("pwned"));
    }

    [Fact]
    public void SeveralStudies_EachTaskNamesItsStudy()
    {
        string file = _study.PathOf("job.sbatch");
        var other = FitStudy.Definition with { Name = "Other" };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int code = ExperimentProgram.Run(["Other", "slurm", "--store", _study.Db, "--output", file], [FitStudy.Definition, other], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("#SBATCH --job-name=Other", File.ReadAllLines(file));
        string[] worker = ArgumentsBashSees($"exec() {{ printf '%s\\0' \"$@\"; }}; hostname() {{ :; }}; source {SlurmScript.Quote(file)}");
        int run = Array.IndexOf(worker, "run");
        Assert.True(run > 1, string.Join(" | ", worker));
        Assert.Equal("Other", worker[run - 1]);
    }

    [Theory]
    [InlineData("--partition", Evil)]
    [InlineData("--time", "01:00:00\n#SBATCH --uid=0")]
    [InlineData("--mem", "8 G")]
    public void DirectiveOutsideSlurmsCharacters_OneLine_NoScript(string option, string value)
    {
        string file = _study.PathOf("job.sbatch");

        var (code, stdout, stderr) = FitStudy.Run("slurm", option, value, "--store", _study.Db, "--output", file);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        string line = Assert.Single(stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option} \"", line, StringComparison.Ordinal);
        Assert.Contains("cannot be written on an #SBATCH line", line, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void StoreUrlWithAPassword_Refused_PasswordNeverPrinted()
    {
        string file = _study.PathOf("job.sbatch");

        var (code, stdout, stderr) = FitStudy.Run("slurm", "--store", "postgres://alice:s3cret@db.example:5432/grid", "--output", file);

        Assert.Equal(2, code);
        Assert.Contains("holds a password", stderr, StringComparison.Ordinal);
        Assert.Contains("--store @FILE", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", stdout + stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void StoreArguments_UrlKept_AtFileMadeAbsolute_EnvironmentInherited()
    {
        static string? None(string _) => null;
        var (url, urlNote) = SlurmCommand.StoreArguments("postgres://alice@db.example/grid", None);
        Assert.Equal(["--store", "postgres://alice@db.example/grid"], url);
        Assert.StartsWith("store: postgres://alice@db.example:5432/grid", urlNote, StringComparison.Ordinal);

        string holder = _study.PathOf("store.txt");
        File.WriteAllText(holder, "postgres://alice:s3cret@db.example/grid\n");
        var (at, atNote) = SlurmCommand.StoreArguments("@" + holder, None);
        Assert.Equal(["--store", "@" + holder], at);
        Assert.DoesNotContain("s3cret", atNote, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite", atNote, StringComparison.Ordinal);

        var (inherited, inheritedNote) = SlurmCommand.StoreArguments(null, name => name == ResultStores.EnvironmentVariable ? "postgres://alice:pw@h/db" : null);
        Assert.Empty(inherited);
        Assert.Contains("inherits", inheritedNote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Submitted batch job 4242\n", "4242")]
    [InlineData("Submitted batch job 17 on cluster lab\n", "17")]
    [InlineData("sbatch: error: Batch job submission failed\n", null)]
    public void JobId_FromSbatchsOutput(string said, string? id) => Assert.Equal(id, SlurmCommand.JobId(said));

    [Fact]
    public void Submit_FakeSbatchOnPath_PrintsTheJobId()
    {
        string bin = _study.PathOf("bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "sbatch"), "#!/bin/sh\necho \"$1\" > \"$(dirname \"$0\")/submitted\"\necho 'Submitted batch job 4242'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(bin, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string file = _study.PathOf("job.sbatch");

        var (code, stdout, stderr) = WithPath(bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            () => FitStudy.Run("slurm", "--store", _study.Db, "--output", file, "--submit"));

        Assert.True(code == 0, stderr);
        Assert.Contains("submitted job 4242:", stdout, StringComparison.Ordinal);
        Assert.Equal(file, File.ReadAllText(Path.Combine(bin, "submitted")).Trim());
    }

    [Fact]
    public void Submit_NoSbatch_OneLineSayingWhatToDo_ScriptStillWritten()
    {
        string empty = _study.PathOf("empty");
        Directory.CreateDirectory(empty);
        string file = _study.PathOf("job.sbatch");

        var (code, _, stderr) = WithPath(empty, () => FitStudy.Run("slurm", "--store", _study.Db, "--output", file, "--submit"));

        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: sbatch was not found on PATH: install Slurm's client", line, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void RunWorkerWithWorkers_OneLine()
    {
        var (code, _, stderr) = FitStudy.Run("run", "--worker", "--workers", "2", "--store", _study.Db);

        Assert.Equal(2, code);
        Assert.Contains("--worker is one worker", stderr, StringComparison.Ordinal);
    }

    private static T WithPath<T>(string path, Func<T> action)
    {
        string? before = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", path);
        try
        {
            return action();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", before);
        }
    }

    /// <summary>What <paramref name="script"/> prints as NUL-separated words under <c>bash -c</c>.</summary>
    private static string[] ArgumentsBashSees(string script)
    {
        var (code, stdout, stderr) = Bash("-c", script);
        Assert.True(code == 0, stderr);
        return stdout.Split('\0')[..^1];
    }

    private static (int Code, string Stdout, string Stderr) Bash(params string[] args)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }
}

/// <summary>Tests that change the process's PATH: run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PathCollection
{
    public const string Name = "process PATH";
}
