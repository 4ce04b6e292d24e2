using System.CommandLine;
using System.Globalization;
using SparseDsl.Data;
using Spectre.Console;

namespace SparseDsl.Experiments;

/// <summary>
/// <c>run</c>: one worker. It claims the grid's unfinished points one at a time (the store says which are free, so
/// several <c>run</c> processes on one store share the grid without <c>--shard</c>), trains each and stores its result
/// before claiming the next. SIGINT or SIGTERM stops it cleanly: the current run is released for the next worker.
/// </summary>
internal static class RunCommand
{
    public static Command Create(StudyDefinition study)
    {
        var points = new Option<string?>("--points") { Description = "Only these points: indices or id prefixes, comma-separated (see `list`)." };
        var steps = new Option<int?>("--steps") { Description = "Override the number of training steps (a different config, so different run ids)." };
        var store = ExperimentProgram.StoreOption();
        var dataDir = new Option<string?>("--data-dir") { Description = "Read the data set from this folder instead of the cache." };
        var backend = new Option<string>("--backend") { Description = "auto | cpu | cuda | ilgpu-cpu", DefaultValueFactory = _ => "auto" };
        backend.AcceptOnlyFromAmong("auto", "cpu", "cuda", "ilgpu-cpu");
        var shard = new Option<string?>("--shard") { Description = "i/n: run only points with index % n == i (0-based), e.g. a Slurm array task." };
        var lease = new Option<double?>("--lease")
        {
            Description = $"Seconds a claimed point stays this worker's without a heartbeat (default {StudyRunner.DefaultLease.TotalSeconds:0}): another worker takes over the points of one that died this long after its last beat.",
        };

        var checkpointEvery = new Option<int?>("--checkpoint-every")
        {
            Description = $"Steps between checkpoints of the point being trained (default {Training.Trainer.DefaultCheckpointEvery}; 0: none), kept in the checkpoint folder's <run id>/; an interrupted point resumes from its last good one (any backend).",
        };

        var checkpointDir = new Option<string?>("--checkpoint-dir")
        {
            Description = "The checkpoint folder (default: STORE.checkpoints beside an SQLite store; a PostgreSQL store has none unless given): on a cluster, a folder every node reaches, so a reclaimed point resumes on any of them. One folder per store: points are kept by run id, which two stores of one study share.",
        };

        var workers = new Option<int?>("--workers")
        {
            Description = "Start K worker processes of this program on the store, each on its share of the cores; the store's claims split the grid between them.",
        };

        var worker = new Option<bool>("--worker")
        {
            Description = "Run as one worker of many (what each task of a `slurm` job array runs): claim and train free points until none is left, then exit. A plain `run` does the same; --worker says so and refuses --workers.",
        };

        var command = new Command("run", "Train every unfinished grid point (finished ones are skipped; points other workers are training are left to them).")
        {
            points, steps, store, dataDir, backend, shard, lease, checkpointEvery, checkpointDir, workers, worker,
        };
        command.SetAction(parse => CommandGuard.Run(parse, () => Execute(
            study,
            new RunOptions(parse.GetValue(points), parse.GetValue(steps), parse.GetValue(store)!, parse.GetValue(dataDir), parse.GetValue(backend)!, parse.GetValue(shard), parse.GetValue(lease), parse.GetValue(checkpointEvery), parse.GetValue(checkpointDir), parse.GetValue(workers), parse.GetValue(worker)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error)));
        return command;
    }

    private sealed record RunOptions(string? Points, int? Steps, string Store, string? DataDir, string Backend, string? Shard, double? LeaseSeconds, int? CheckpointEvery, string? CheckpointDir, int? Workers, bool Worker);

    private static int Execute(StudyDefinition study, RunOptions options, TextWriter output, TextWriter error)
    {
        if (options.Steps is <= 0)
        {
            throw new UserInputException($"--steps must be positive, got {options.Steps}");
        }

        if (options.LeaseSeconds is { } seconds && !(seconds >= 1 && double.IsFinite(seconds)))
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"--lease must be at least 1 (seconds), got {seconds}"));
        }

        if (options.CheckpointEvery is < 0)
        {
            throw new UserInputException($"--checkpoint-every must be 0 (no checkpoints) or positive, got {options.CheckpointEvery}");
        }

        if (options.Worker && options.Workers is > 1)
        {
            throw new UserInputException("--worker is one worker (a Slurm array task); --workers K starts K of them here: give one or the other");
        }

        if (options.Workers is { } workers)
        {
            if (workers < 1)
            {
                throw new UserInputException($"--workers must be at least 1, got {workers}");
            }

            if (workers > 1)
            {
                return LocalWorkers.Run(workers, WithoutWorkersOption(Environment.GetCommandLineArgs().Skip(1)), output, error);
            }
        }

        // What no backend can train is said once, before any point, not as a failure of each.
        if (StudyData.Mismatch(study) is string unsupported)
        {
            throw new UserInputException(unsupported);
        }

        // Opened before the data and the store so that `--backend cuda` without a CUDA device stops at once, in one line.
        // auto stays on the CPU kernels: the CUDA path has not been run on a GPU yet.
        string backend = options.Backend;
        using var device = backend is "cuda" or "ilgpu-cpu" ? Training.Device.DeviceBackend.Open(backend) : null;
        if (device is not null)
        {
            output.WriteLine($"backend {backend}: {device.Description}");
        }

        var plan = PointSelection.Apply(StudyPlan.Resolve(study, options.Steps), options.Points, options.Shard);
        // A server store may go away for a while (a restart, a network blip): the worker waits, saying so once per outage.
        IResultStore opened = ResultStores.Open(options.Store);
        using IResultStore results = opened is PostgresResultStore ? new RetryingResultStore(opened, line => output.WriteLine("  " + line)) : opened;
        if (StudyPoint.AdoptLegacyRuns(results, plan) is > 0 and int adopted)
        {
            output.WriteLine($"{study.Name}: {adopted} run(s) stored under the ids of an earlier SparseDsl now have their canonical ids (results kept)");
        }

        var stored = plan.Select(p => results.GetRun(p.Id)).ToList();
        int ended = stored.Count(r => r?.Status is RunStatus.Finished or RunStatus.Diverged);
        int diverged = stored.Count(r => r?.Status is RunStatus.Diverged);
        int held = stored.Count(r => HeldByOther(r, null));
        // An SQLite store as the user named it; a server store by its Location, which masks a password.
        output.WriteLine($"{study.Name}: {plan.Count} point(s) selected, {ended} already finished{(diverged > 0 ? $" ({diverged} diverged)" : "")}, "
            + $"{(held > 0 ? $"{held} being trained by other workers, " : "")}{plan.Count - ended - held} to run; results in {(results is SqliteResultStore ? options.Store : results.Location)}");
        if (ended + held == plan.Count)
        {
            return 0;
        }

        var data = StudyData.Load(study, options.DataDir);
        using var stop = new CancellationTokenSource();
        using var signals = StopSignals.Register(stop);
        // One worker: every point's runner (each with its own progress reporter) claims under the same name and lease.
        var runner = new StudyRunner(study, results, data)
        {
            Accelerator = device?.Accelerator,
            Lease = options.LeaseSeconds is { } s ? TimeSpan.FromSeconds(s) : StudyRunner.DefaultLease,
            CheckpointRoot = CheckpointRoot(options, results, output),
            CheckpointEvery = options.CheckpointEvery ?? Training.Trainer.DefaultCheckpointEvery,
            Log = line => output.WriteLine("  " + line),
        };
        StudyRunner Reporting(Action<StudyPoint, int, double> progress) =>
            new(study, results, data)
            {
                Accelerator = runner.Accelerator, Lease = runner.Lease, Worker = runner.Worker, Progress = progress,
                CheckpointRoot = runner.CheckpointRoot, CheckpointEvery = runner.CheckpointEvery, Log = runner.Log,
            };
        var byId = plan.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var attempted = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        while (!stop.IsCancellationRequested && runner.ClaimNext(plan.Where(p => !attempted.Contains(p.Id)).ToList()) is { } claim)
        {
            var point = byId[claim.RunId];
            attempted.Add(point.Id);
            if (claim.TakenOverFrom is { } previous)
            {
                output.WriteLine($"  reclaimed {point.Id} {point.Label} from worker {previous}, whose lease had expired");
            }

            try
            {
                var summary = RunOne(Reporting, point, claim, output, stop.Token);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  done {point.Id} {point.Label}: test accuracy {summary.Final.TestAccuracy:0.0000}, test loss {summary.Final.TestLoss:0.0000}, {summary.WallSeconds:0.0} s"));
            }
            catch (Training.TrainingDivergedException divergence)
            {
                output.WriteLine($"  diverged {point.Id} {point.Label}: {divergence.Message}; stored as diverged, going on with the grid");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                error.WriteLine($"stopped by {signals.Received}: {point.Id} {point.Label} was released for the next worker; `run` again to continue the grid");
                return signals.ExitCode;
            }
            catch (Training.CheckpointWriteException unwritable)
            {
                // Every next point would fail at its first checkpoint the same way: stop here, the point resumable.
                error.WriteLine($"  failed {point.Id} {point.Label}: {unwritable.Message}");
                error.WriteLine("stopped: the checkpoint folder cannot take more checkpoints; the point resumes from its last good one when `run` is started again");
                return 1;
            }
            catch (Exception failure) when (failure is not (UserInputException or ResultStoreException))
            {
                failures++;
                error.WriteLine($"  failed {point.Id} {point.Label}: {failure.Message}");
            }
        }

        if (stop.IsCancellationRequested)
        {
            error.WriteLine($"stopped by {signals.Received} between points; `run` again to continue the grid");
            return signals.ExitCode;
        }

        int busy = plan.Count(p => HeldByOther(results.GetRun(p.Id), runner.Worker));
        if (busy > 0)
        {
            output.WriteLine($"  {busy} point(s) are being trained by other workers and were left to them (`list` shows their status)");
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>This process's arguments for its workers: the same, less <c>--workers K</c> (or <c>--workers=K</c>).</summary>
    private static List<string> WithoutWorkersOption(IEnumerable<string> arguments)
    {
        var kept = new List<string>();
        using var each = arguments.GetEnumerator();
        while (each.MoveNext())
        {
            if (each.Current == "--workers")
            {
                each.MoveNext();
            }
            else if (!each.Current.StartsWith("--workers=", StringComparison.Ordinal))
            {
                kept.Add(each.Current);
            }
        }

        return kept;
    }

    /// <summary>
    /// Where checkpoints go: --checkpoint-dir when given (made absolute, created now so that a bad path is one line
    /// before any point), else beside an SQLite store; a server store has no folder beside it, so without the option
    /// its points run without checkpoints, which is said once.
    /// </summary>
    private static string? CheckpointRoot(RunOptions options, IResultStore results, TextWriter output)
    {
        if (options.CheckpointEvery == 0)
        {
            return null;
        }

        if (options.CheckpointDir is { } given)
        {
            string folder = Path.GetFullPath(given);
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UserInputException($"--checkpoint-dir '{folder}' cannot be used as a folder ({e.Message.TrimEnd('.')}); give a writable folder, or --checkpoint-every 0");
            }

            return folder;
        }

        if (results is SqliteResultStore)
        {
            return results.Location + ".checkpoints";
        }

        output.WriteLine("  no checkpoints: a server store has no folder beside it; pass --checkpoint-dir DIR (shared by every worker) to resume reclaimed points");
        return null;
    }

    /// <summary>A run another live worker holds now.</summary>
    private static bool HeldByOther(RunRecord? run, string? me) =>
        run is { Status: RunStatus.Running, LeaseExpiresUtc: { } until } && until > DateTimeOffset.UtcNow && run.Worker != me;

    private static Training.TrainingSummary RunOne(Func<Action<StudyPoint, int, double>, StudyRunner> reporting, StudyPoint point, RunClaim claim, TextWriter output, CancellationToken stop)
    {
        string title = $"{point.Id} {point.Label}";
        // The steps of the point's regime when its config gives none (an 'epochs' axis).
        int total;
        try
        {
            total = reporting((_, _, _) => { }).PlannedSteps(point);
        }
        catch (UserInputException)
        {
            total = point.Config.Steps; // the run itself says what is wrong, and gives its claim back
        }

        if (!ExperimentProgram.Interactive)
        {
            int every = Math.Max(1, total / 10);
            var plain = reporting((p, step, loss) =>
            {
                if (step % every == 0)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {title}: step {step}/{total}, loss {loss:0.0000}"));
                }
            });
            return plain.Run(point, claim, stop);
        }

        Training.TrainingSummary? summary = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                summary = reporting((_, step, loss) =>
                {
                    task.Value = step;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{title} loss {loss:0.000}"));
                }).Run(point, claim, stop);
            });
        return summary!;
    }
}
