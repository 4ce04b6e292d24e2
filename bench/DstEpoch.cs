using System.Diagnostics;
using System.Globalization;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;
using static SparseDsl.Bench.DstStudy;

namespace SparseDsl.Bench;

/// <summary>
/// Part 4 of <see cref="DstStudy"/>: one epoch of SET at 90 % against our dense epoch and against PyTorch's dense epoch
/// and its masked SET (bench/pytorch/set_epoch.py, a child process per round), interleaved over rounds as
/// <see cref="EpochStudy"/> does. Only the training steps are timed on both sides (updates included; data loading and
/// the evaluation after the epoch excluded).
/// </summary>
internal static class DstEpoch
{
    private const int SettleMs = 150;

    internal static void Run(DstOptions options, Dataset data, string dataDirectory)
    {
        int steps = options.EpochSteps(data);
        string setText = string.Create(CultureInfo.InvariantCulture, $"set every={options.Every} drop=0.3");
        var set = ParseSchedule(setText);
        var sparseNetwork = new EpochMlp(new NetworkOptions(0.9, Distribution.Erk, Seed: 1));
        long[] active = [.. SparseLayers(sparseNetwork).Select(l => l.ActiveWeights)];
        long sparseTotal = sparseNetwork.Layers.Sum(l => l.ActiveWeights);
        long denseTotal = sparseNetwork.Layers.Sum(l => l.DenseWeights);
        Console.WriteLine("## 4. One epoch of SET at 90 % against dense, ours and PyTorch's");
        Console.WriteLine();
        Console.WriteLine($"EpochMlp, {steps} steps of batch {Batch} ({(steps == data.Train.Count / Batch ? "one epoch" : "not a whole epoch")}), `{DstOptions.OptimizerText}`. Ours: the Trainer, dense and at 90 % (ERK: hidden layers");
        Console.WriteLine($"{string.Join(" and ", active.Select(a => a.ToString("N0", CultureInfo.InvariantCulture)))} active weights, output dense) with `{setText}`. PyTorch (bench/pytorch/set_epoch.py, a child process");
        Console.WriteLine("per round, environment as TOOLCHAIN §10): nn.Linear dense, and SET as researchers run it, masks over dense tensors (gradients");
        Console.WriteLine("masked, weights masked after every AdamW step, magnitude drop + random regrowth of the same counts every update step).");
        Console.WriteLine("Timed: the training steps, updates included; not the data loading or the evaluation after the epoch. Both sides run a few");
        Console.WriteLine("untimed warm-up steps first. Rounds interleave the four contenders; ratios are medians of per-round ratios.");
        Console.WriteLine();

        // Untimed warm-up: the JIT tiers the kernels and the update path up before the first timed epoch.
        int warmup = Math.Min(steps, 20);
        OurEpoch(data, 0, null, seed: 1000, warmup);
        OurEpoch(data, 0.9, ParseSchedule(options.Smoke ? "set every=1" : "set every=5"), seed: 1000, warmup);

        Console.WriteLine("| round | contender | active weights | topology updates | epoch train time (s) | test accuracy after the epoch |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var seconds = new Dictionary<string, List<double>> { ["ours dense"] = [], ["ours SET"] = [], ["torch dense"] = [], ["torch masked SET"] = [] };
        var notes = new List<string>();
        bool torch = options.Torch;
        IReadOnlyList<string>? torchSetup = null;
        for (int round = 1; round <= options.Rounds; round++)
        {
            var dense = OurEpoch(data, 0, null, round, steps);
            Row(round, "ours dense", dense.Active, dense.Updates, dense.Seconds, dense.Accuracy, seconds);
            var sparse = OurEpoch(data, 0.9, set, round, steps);
            Row(round, "ours SET-90 %", sparse.Active, sparse.Updates, sparse.Seconds, sparse.Accuracy, seconds, key: "ours SET");
            if (!torch)
            {
                continue;
            }

            var run = TorchPeer.Run(
            [
                "--data", dataDirectory,
                "--steps", steps.ToString(CultureInfo.InvariantCulture),
                "--batch", Batch.ToString(CultureInfo.InvariantCulture),
                "--modes", round % 2 == 1 ? "dense,masked" : "masked,dense",
                "--active", string.Join(",", active.Select(a => a.ToString(CultureInfo.InvariantCulture))),
                "--every", options.Every.ToString(CultureInfo.InvariantCulture),
                "--drop", "0.3",
                "--seed", round.ToString(CultureInfo.InvariantCulture),
                "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
                "--warmup", options.Smoke ? "1" : "10",
            ]);
            if (run.Unavailable is { } why)
            {
                notes.Add($"PyTorch: not available ({why}); run `{TorchPeer.InstallCommand}` to add its rows. Our figures stand alone.");
                torch = false;
                continue;
            }

            if (run.Failure is { } failure)
            {
                notes.Add($"PyTorch: {failure}");
                torch = false;
                continue;
            }

            torchSetup ??= run.Setup;
            foreach (TorchEpoch epoch in run.Epochs.OrderBy(e => e.Mode, StringComparer.Ordinal))
            {
                bool masked = epoch.Mode == "masked";
                // The masked model trains every weight of its dense tensors; "active" counts those on the masks, as ours.
                Row(round, masked ? "torch masked SET-90 %" : "torch dense", masked ? sparseTotal : denseTotal, epoch.Updates, epoch.Seconds, epoch.TestAccuracy, seconds,
                    key: masked ? "torch masked SET" : "torch dense");
                if (masked && (epoch.Fields.GetValueOrDefault("counts_kept") != "yes" || epoch.Fields.GetValueOrDefault("inactive_zero") != "yes"))
                {
                    notes.Add($"WARNING: round {round}: the torch masks failed their check (counts kept: {epoch.Fields.GetValueOrDefault("counts_kept")}, inactive weights zero: {epoch.Fields.GetValueOrDefault("inactive_zero")})");
                }
            }
        }

        Console.WriteLine();
        foreach (string line in torchSetup ?? [])
        {
            Console.WriteLine("PyTorch setup: " + line);
        }

        if (torchSetup is not null && !Directory.Exists(TorchPeer.OpenMpBlasDirectory))
        {
            notes.Add($"libopenblas0-openmp is not installed, so torch multiplied through whatever libblas.so.3 is (TOOLCHAIN §10: the pthread build fights torch's threads); run `{TorchPeer.InstallCommand}`.");
        }

        notes.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| median epoch (s) | " + string.Join(" | ", seconds.Keys) + " |");
        Console.WriteLine("|---|" + string.Concat(seconds.Keys.Select(_ => "---|")));
        Console.WriteLine("| | " + string.Join(" | ", seconds.Values.Select(v => v.Count == 0 ? "–" : F(Timing.Median([.. v])))) + " |");
        Console.WriteLine();
        Ratio("ours SET-90 % against ours dense", seconds["ours dense"], seconds["ours SET"]);
        Ratio("ours SET-90 % against torch masked SET-90 %", seconds["torch masked SET"], seconds["ours SET"]);
        Ratio("ours SET-90 % against torch dense", seconds["torch dense"], seconds["ours SET"]);
        Ratio("ours dense against torch dense", seconds["torch dense"], seconds["ours dense"]);
        Console.WriteLine();
    }

    /// <summary>One of our epochs: the Trainer's steps timed from its construction to the end of the last step.</summary>
    private static (double Seconds, double Accuracy, long Active, int Updates) OurEpoch(Dataset data, double sparsity, SparsityScheduleSpec? schedule, int seed, int steps)
    {
        GC.Collect();
        Thread.Sleep(SettleMs);
        var network = new EpochMlp(new NetworkOptions(sparsity, Distribution.Erk, seed, Schedule: schedule));
        long active = network.Layers.Sum(l => l.ActiveWeights);
        int updates = 0;
        double trained = 0;
        var clock = Stopwatch.StartNew();
        var settings = new TrainingSettings(steps, Batch, steps, ParseOptimizer(DstOptions.OptimizerText), Loss.SoftmaxCrossEntropy, seed, schedule);
        var summary = new Trainer(network, data, settings)
        {
            // The last step has no topology update after it (updates stop before the run's end), so this is the whole epoch.
            StepCompleted = (step, _) =>
            {
                if (step == steps)
                {
                    trained = clock.Elapsed.TotalSeconds;
                }
            },
            TopologyUpdated = _ => updates++,
        }.Run();
        return (trained, summary.Final.TestAccuracy, active, updates);
    }

    private static void Row(int round, string contender, long active, int updates, double seconds, double accuracy, Dictionary<string, List<double>> all, string? key = null)
    {
        all[key ?? contender].Add(seconds);
        Console.WriteLine($"| {round} | {contender} | {active:N0} | {updates} | {F(seconds, "F3")} | {F(accuracy, "F4")} |");
    }

    /// <summary>Median over rounds of <paramref name="reference"/>[r] / <paramref name="ours"/>[r] (above 1: ours is faster).</summary>
    private static void Ratio(string what, List<double> reference, List<double> ours)
    {
        int rounds = Math.Min(reference.Count, ours.Count);
        if (rounds == 0)
        {
            Console.WriteLine($"{what}: –");
            return;
        }

        double[] ratios = [.. Enumerable.Range(0, rounds).Select(r => reference[r] / ours[r])];
        double median = Timing.Median(ratios);
        string verdict = median >= 1 ? $"{F(median)}× faster" : $"{F(1 / median)}× slower";
        Console.WriteLine($"{what}: {verdict} (median time {F(Timing.Median([.. ours]), "F3")} s against {F(Timing.Median([.. reference]), "F3")} s; per-round time ratios {string.Join(", ", ratios.Select(x => F(x)))})");
    }
}
