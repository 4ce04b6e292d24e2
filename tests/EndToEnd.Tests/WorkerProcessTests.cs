using System.Diagnostics;
using System.Reflection;
using System.Text;
using SparseDsl.Experiments;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// The QuickStart example's generated program as separate <c>run</c> processes on one store, as a user starts them:
/// two at once share the grid, a second one leaves a point the first is training alone, a killed worker's point is
/// reclaimed once its lease expires (and resumes from its checkpoint: on the device backend too, through this test
/// assembly's own generated program), and SIGTERM releases the point and checkpoints the store.
/// </summary>
public sealed class WorkerProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly string _folder = Directory.CreateTempSubdirectory("sparsedsl-workers-").FullName;

    private string Db => Path.Combine(_folder, "results.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TwoProcessesStartedTogether_FinishEveryPointExactlyOnce()
    {
        using Worker first = Start("run", "--steps", "400");
        using Worker second = Start("run", "--steps", "400");

        first.WaitForExit();
        second.WaitForExit();

        Assert.True(first.Code == 0, first.Stderr);
        Assert.True(second.Code == 0, second.Stderr);
        var done = new[] { GridReliabilityTests.DoneIds(first.Stdout), GridReliabilityTests.DoneIds(second.Stdout) };
        Assert.Empty(done[0].Intersect(done[1]));
        Assert.Equal(3, done[0].Count + done[1].Count);
        using IResultStore store = ResultStores.Open(Db);
        IReadOnlyList<RunRecord> runs = store.ListRuns("QuickStudy");
        Assert.Equal(done[0].Concat(done[1]).Order(StringComparer.Ordinal), runs.Select(r => r.Id));
        Assert.All(runs, r =>
        {
            Assert.Equal((RunStatus.Finished, 1), (r.Status, r.Attempts));
            Assert.Equal([100L, 200L, 300L, 400L], store.GetEvals(r.Id).Select(e => e.Step));
        });
    }

    [Fact]
    public void RunWithTwoWorkers_StartsTwoProcesses_WhichFinishEveryPointExactlyOnce()
    {
        using Worker parent = Start("run", "--steps", "400", "--workers", "2");
        parent.WaitForExit();

        Assert.True(parent.Code == 0, parent.Stderr);
        Assert.Contains("starting 2 workers on", parent.Stdout, StringComparison.Ordinal);
        Assert.Contains("all 2 workers finished", parent.Stdout, StringComparison.Ordinal);

        // Each child prints its own selection line; together they finish the three points, none twice.
        string[] lines = parent.Stdout.Split('\n');
        Assert.Equal(2, lines.Count(l => l.Contains("point(s) selected", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("[worker 1] ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[worker 2] ", StringComparison.Ordinal));
        var done = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\[worker \d\] +done (\w+) ")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, done.Count);
        Assert.Equal(3, done.Distinct().Count());
        using IResultStore store = ResultStores.Open(Db);
        IReadOnlyList<RunRecord> runs = store.ListRuns("QuickStudy");
        Assert.Equal(done.Order(StringComparer.Ordinal), runs.Select(r => r.Id));
        Assert.All(runs, r => Assert.Equal((RunStatus.Finished, 1), (r.Status, r.Attempts)));
    }

    [Fact]
    public void WorkersBelowOne_IsOneLine()
    {
        using Worker parent = Start("run", "--workers", "0");
        parent.WaitForExit();

        Assert.Equal(2, parent.Code);
        Assert.Contains("--workers must be at least 1, got 0", parent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", parent.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondProcessWhileTheFirstTrainsAPoint_LeavesItAlone()
    {
        using Worker first = Start("run", "--points", "0", "--steps", "3000");
        first.WaitForOutput("step 600/3000");

        using Worker second = Start("run", "--points", "0", "--steps", "3000");
        second.WaitForExit();
        first.WaitForExit();

        Assert.True(second.Code == 0, second.Stderr);
        Assert.Contains("1 point(s) selected, 0 already finished, 1 being trained by other workers, 0 to run", second.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("step", second.Stdout, StringComparison.Ordinal);
        Assert.True(first.Code == 0, first.Stderr);
        using IResultStore store = ResultStores.Open(Db);
        RunRecord run = store.ListRuns("QuickStudy").Single();
        Assert.Equal((RunStatus.Finished, 1), (run.Status, run.Attempts));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i * 100L), store.GetEvals(run.Id).Select(e => e.Step));
    }

    [Fact]
    public void KilledWorker_ItsPointIsLeftAloneWhileLeased_ThenReclaimedAndFinishedOnce()
    {
        // A lease of 5 s: long enough that the early worker starts within it on a busy machine.
        using Worker killed = Start("run", "--points", "0", "--steps", "3000", "--lease", "5");
        killed.WaitForOutput("step 600/3000");
        killed.Kill();

        using Worker early = Start("run", "--points", "0", "--steps", "3000", "--lease", "5");
        early.WaitForExit();
        Thread.Sleep(TimeSpan.FromSeconds(5.5));
        using Worker late = Start("run", "--points", "0", "--steps", "3000", "--lease", "5");
        late.WaitForExit();

        Assert.Contains("1 being trained by other workers, 0 to run", early.Stdout, StringComparison.Ordinal);
        Assert.True(late.Code == 0, late.Stderr);
        Assert.Contains("reclaimed", late.Stdout, StringComparison.Ordinal);
        Assert.Single(GridReliabilityTests.DoneIds(late.Stdout));
        using IResultStore store = ResultStores.Open(Db);
        RunRecord run = store.ListRuns("QuickStudy").Single();
        Assert.Equal((RunStatus.Finished, 2), (run.Status, run.Attempts));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i * 100L), store.GetEvals(run.Id).Select(e => e.Step));
    }

    [Fact]
    public void KilledWorker_ResumesFromItsLastCheckpoint_AndStoresWhatAnUninterruptedRunStores()
    {
        // SIGKILL somewhere between steps 600 and 2400 of 3000 (progress lines come every 300 steps; checkpoints every 250).
        int printed = 300 * Random.Shared.Next(2, 9);
        string[] args = ["run", "--points", "0", "--steps", "3000", "--lease", "2", "--checkpoint-every", "250"];
        using Worker killed = Start(args);
        killed.WaitForOutput($"step {printed}/3000");
        killed.Kill();
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        using Worker resumed = Start(args);
        resumed.WaitForExit();
        string whole = Path.Combine(_folder, "whole.db");
        using Worker uninterrupted = StartOn(whole, "run", "--points", "0", "--steps", "3000", "--checkpoint-every", "0");
        uninterrupted.WaitForExit();

        output.WriteLine($"killed after printing step {printed}");
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.True(uninterrupted.Code == 0, uninterrupted.Stderr);
        Assert.Matches("resuming [0-9a-f]+ from its checkpoint at step [1-9][0-9]*", resumed.Stdout);
        using IResultStore store = ResultStores.Open(Db);
        using IResultStore reference = ResultStores.Open(whole);
        RunRecord run = store.ListRuns("QuickStudy").Single();
        RunRecord expected = reference.ListRuns("QuickStudy").Single();
        Assert.Equal((RunStatus.Finished, 2), (run.Status, run.Attempts));
        Assert.Equal((expected.Final!.TrainLoss, expected.Final.TestLoss, expected.Final.TestAccuracy, expected.Final.SamplesSeen),
            (run.Final!.TrainLoss, run.Final.TestLoss, run.Final.TestAccuracy, run.Final.SamplesSeen));
        static object Figures(EvalRecord e) => (e.Step, e.SamplesSeen, e.TrainLoss, e.TestLoss, e.TrainAccuracy, e.TestAccuracy);
        Assert.Equal(reference.GetEvals(expected.Id).Select(Figures), store.GetEvals(run.Id).Select(Figures));
        Assert.False(Directory.Exists(Path.Combine(Db + ".checkpoints", run.Id)), "a finished run's checkpoints are deleted");
    }

    /// <summary>
    /// The same with a dynamic schedule (RigL, AdamW with per-weight ages), on the device backend (the ILGPU emulator:
    /// <see cref="DeviceResumeStudy"/>) and on the CPU kernels (<see cref="CpuResumeStudy"/>), in this test assembly's
    /// own generated program.
    /// </summary>
    [Theory]
    [InlineData("DeviceResumeStudy", "ilgpu-cpu", 1500, 100)]
    [InlineData("CpuResumeStudy", "cpu", 6000, 400)]
    public void KilledWorkerWithADynamicSchedule_ResumesFromItsLastCheckpoint_AndStoresWhatAnUninterruptedRunStores(string study, string backend, int steps, int every)
    {
        // SIGKILL after a random progress line between 20 % and 80 % of the steps (progress lines every tenth).
        int line = steps / 10;
        int printed = line * Random.Shared.Next(2, 9);
        string[] args = [study, "run", "--backend", backend, "--lease", "2", "--checkpoint-every", every.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        using Worker killed = StartProgram(Db, TestProgram, args);
        killed.WaitForOutput($"step {printed}/{steps}");
        killed.Kill();
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        using Worker resumed = StartProgram(Db, TestProgram, args);
        resumed.WaitForExit();
        string whole = Path.Combine(_folder, "whole.db");
        using Worker uninterrupted = StartProgram(whole, TestProgram, study, "run", "--backend", backend, "--checkpoint-every", "0");
        uninterrupted.WaitForExit();

        output.WriteLine($"killed after printing step {printed}");
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.True(uninterrupted.Code == 0, uninterrupted.Stderr);
        Assert.Equal(backend != "cpu", resumed.Stdout.Contains($"backend {backend}", StringComparison.Ordinal));
        var resumedAt = System.Text.RegularExpressions.Regex.Match(resumed.Stdout, "resuming [0-9a-f]+ from its checkpoint at step ([1-9][0-9]*)");
        Assert.True(resumedAt.Success, resumed.Stdout);
        Assert.InRange(int.Parse(resumedAt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), printed - every, steps - 1);
        using IResultStore store = ResultStores.Open(Db);
        using IResultStore reference = ResultStores.Open(whole);
        RunRecord run = store.ListRuns(study).Single();
        RunRecord expected = reference.ListRuns(study).Single();
        Assert.Equal((RunStatus.Finished, 2), (run.Status, run.Attempts));
        Assert.Equal((expected.Final!.TrainLoss, expected.Final.TestLoss, expected.Final.TestAccuracy, expected.Final.SamplesSeen, expected.ActiveParameters),
            (run.Final!.TrainLoss, run.Final.TestLoss, run.Final.TestAccuracy, run.Final.SamplesSeen, run.ActiveParameters));
        static object Figures(EvalRecord e) => (e.Step, e.SamplesSeen, e.TrainLoss, e.TestLoss, e.TrainAccuracy, e.TestAccuracy);
        Assert.Equal(reference.GetEvals(expected.Id).Select(Figures), store.GetEvals(run.Id).Select(Figures));
        // Every topology update (RigL's, from the step's gradients): the losses around it and each layer's counts.
        static object Metric(MetricRecord m) => (m.Step, m.Name, m.Value);
        var updates = reference.GetMetrics(expected.Id, TopologyMetrics.Prefix).Select(Metric).ToList();
        Assert.NotEmpty(updates);
        Assert.Equal(updates, store.GetMetrics(run.Id, TopologyMetrics.Prefix).Select(Metric));
        Assert.False(Directory.Exists(Path.Combine(Db + ".checkpoints", run.Id)), "a finished run's checkpoints are deleted");
    }

    [Fact]
    public void Sigterm_ReleasesThePoint_ExitCode143_AndTheFileAloneHoldsItsEvaluations()
    {
        using Worker worker = Start("run", "--points", "0", "--steps", "30000");
        worker.WaitForOutput("step 3000/30000");

        worker.Signal("TERM");
        worker.WaitForExit();

        Assert.Equal(143, worker.Code);
        Assert.Contains("stopped by SIGTERM", worker.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Db + "-wal") && new FileInfo(Db + "-wal").Length > 0, "the WAL was not checkpointed");
        string copy = Path.Combine(_folder, "copy.db");
        File.Copy(Db, copy);
        using IResultStore store = ResultStores.Open(copy);
        RunRecord run = store.ListRuns("QuickStudy").Single();
        Assert.Equal((RunStatus.Running, (DateTimeOffset?)null), (run.Status, run.LeaseExpiresUtc));
        Assert.True(store.GetEvals(run.Id).Count >= 30);
        RunClaim next = store.ClaimNext([run], "next", TimeSpan.FromMinutes(1))!;
        Assert.Equal(run.Worker, next.TakenOverFrom);
    }

    /// <summary>The QuickStart example's program.</summary>
    private static string QuickStart => typeof(WorkerProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "QuickStartDll").Value!;

    /// <summary>This test assembly as a program: the generator wrote its Main over its [Experiment] studies (study name first).</summary>
    private static string TestProgram => typeof(WorkerProcessTests).Assembly.Location;

    private Worker Start(params string[] args) => StartOn(Db, args);

    private Worker StartOn(string db, params string[] args) => StartProgram(db, QuickStart, args);

    private Worker StartProgram(string db, string dll, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args.Concat(["--store", db]))
        {
            start.ArgumentList.Add(arg);
        }

        return new Worker(Process.Start(start)!, output);
    }

    /// <summary>One worker process with its output collected as it comes.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process process;
        private readonly ITestOutputHelper log;
        private readonly StringBuilder stdout = new();
        private readonly StringBuilder stderr = new();

        public Worker(Process process, ITestOutputHelper log)
        {
            this.process = process;
            this.log = log;
            process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Code => process.ExitCode;

        public string Stdout
        {
            get
            {
                lock (stdout)
                {
                    return stdout.ToString();
                }
            }
        }

        public string Stderr
        {
            get
            {
                lock (stderr)
                {
                    return stderr.ToString();
                }
            }
        }

        public void WaitForOutput(string text)
        {
            var clock = Stopwatch.StartNew();
            while (!Stdout.Contains(text, StringComparison.Ordinal))
            {
                Assert.False(process.HasExited, $"the worker exited before printing '{text}': {Stdout}{Stderr}");
                Assert.True(clock.Elapsed < Patience, $"no '{text}' after {Patience}: {Stdout}");
                Thread.Sleep(20);
            }
        }

        public void WaitForExit()
        {
            Assert.True(process.WaitForExit(Patience), $"the worker did not exit within {Patience}: {Stdout}");
            process.WaitForExit(); // the output events are all delivered
            log.WriteLine($"[pid {process.Id} exit {process.ExitCode}]\n{Stdout}{Stderr}");
        }

        /// <summary>SIGKILL: the process dies at once, without a word to the store.</summary>
        public void Kill()
        {
            process.Kill();
            WaitForExit();
        }

        public void Signal(string name) => Testing.Faults.Run("kill", "-" + name, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        private static void Append(StringBuilder builder, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}
