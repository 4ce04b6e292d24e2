using System.CommandLine;
using System.Globalization;
using SparseDsl.Data;
using Spectre.Console;

namespace SparseDsl.Experiments;

/// <summary><c>run</c>: trains the grid's unfinished points and stores each result before the next starts.</summary>
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

        var command = new Command("run", "Train every unfinished grid point (finished ones are skipped).") { points, steps, store, dataDir, backend, shard };
        command.SetAction(parse => CommandGuard.Run(parse, () => Execute(
            study,
            parse.GetValue(points),
            parse.GetValue(steps),
            parse.GetValue(store)!,
            parse.GetValue(dataDir),
            parse.GetValue(backend)!,
            parse.GetValue(shard),
            parse.InvocationConfiguration.Error)));
        return command;
    }

    private static int Execute(StudyDefinition study, string? pointFilter, int? steps, string storePath, string? dataDir, string backend, string? shard, TextWriter error)
    {
        if (steps is <= 0)
        {
            throw new UserInputException($"--steps must be positive, got {steps}");
        }

        // What no backend can train is said once, before any point, not as a failure of each.
        if (Training.LossFunctions.Unsupported(study.Model.Loss) is string unsupported)
        {
            throw new UserInputException(unsupported);
        }

        // Opened before the data and the store so that `--backend cuda` without a CUDA device stops at once, in one line.
        // auto stays on the CPU kernels: the CUDA path has not been run on a GPU yet.
        using var device = backend is "cuda" or "ilgpu-cpu" ? Training.Device.DeviceBackend.Open(backend) : null;
        if (device is not null)
        {
            Console.WriteLine($"backend {backend}: {device.Description}");
        }

        var plan = PointSelection.Apply(StudyPlan.Resolve(study, steps), pointFilter, shard);
        using var results = ResultStores.Open(storePath);
        var pending = plan.Where(p => results.GetRun(p.Id)?.Status != RunStatus.Finished).ToList();
        Console.WriteLine($"{study.Name}: {plan.Count} point(s) selected, {plan.Count - pending.Count} already finished, {pending.Count} to run; results in {storePath}");
        if (pending.Count == 0)
        {
            return 0;
        }

        var data = StudyData.Load(study, dataDir);
        var failures = 0;
        foreach (var point in pending)
        {
            try
            {
                var summary = RunOne(study, results, data, point, device?.Accelerator);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  done {point.Id} {point.Label}: test accuracy {summary.Final.TestAccuracy:0.0000}, test loss {summary.Final.TestLoss:0.0000}, {summary.WallSeconds:0.0} s"));
            }
            catch (Exception failure) when (failure is not UserInputException)
            {
                failures++;
                error.WriteLine($"  failed {point.Id} {point.Label}: {failure.Message}");
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static Training.TrainingSummary RunOne(StudyDefinition study, IResultStore results, Dataset data, StudyPoint point, ILGPU.Runtime.Accelerator? accelerator)
    {
        string title = $"{point.Id} {point.Label}";
        if (!ExperimentProgram.Interactive)
        {
            int every = Math.Max(1, point.Config.Steps / 10);
            var plain = new StudyRunner(study, results, data)
            {
                Accelerator = accelerator,
                Progress = (p, step, loss) =>
                {
                    if (step % every == 0)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {title}: step {step}/{p.Config.Steps}, loss {loss:0.0000}"));
                    }
                },
            };
            return plain.Run(point);
        }

        Training.TrainingSummary? summary = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: point.Config.Steps);
                var runner = new StudyRunner(study, results, data)
                {
                    Accelerator = accelerator,
                    Progress = (_, step, loss) =>
                    {
                        task.Value = step;
                        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{title} loss {loss:0.000}"));
                    },
                };
                summary = runner.Run(point);
            });
        return summary!;
    }
}

/// <summary>Turns failures the user can fix into one line and exit code 2, never a stack trace.</summary>
internal static class CommandGuard
{
    /// <summary>
    /// Runs a verb; bad input found while running (a data set that cannot be fetched, an unusable option value) is
    /// one line on the invocation's error writer and exit code 2.
    /// </summary>
    public static int Run(ParseResult parse, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (error is UserInputException or DataUnavailableException or NotSupportedException)
        {
            parse.InvocationConfiguration.Error.WriteLine("error: " + error.Message);
            return 2;
        }
    }
}
