using System.Globalization;
using System.Runtime.Intrinsics;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Bench;

/// <summary>
/// <c>dst [--reps N] [--rounds N] [--steps N] [--data-dir DIR] [--no-torch] [--smoke] [--parts 1,2,3,4]</c>: what dynamic sparse training
/// costs on the SET MLP 784-1000-1000-10 (<see cref="EpochMlp"/>, batch 128, AdamW lr=1e-3 wd=1e-4), side by side in
/// one run, as markdown tables after the CPU model and the measured peak:
/// <list type="number">
/// <item>one layer's mask update (SET, RigL) against one forward + backward of that layer (<see cref="DstUpdateCost"/>);</item>
/// <item>a whole-network step with a RigL update against a normal step (<see cref="DstUpdateCost"/>);</item>
/// <item>the training state at every step of short RigL and SMET runs against the dense model's (<see cref="DstMemory"/>);</item>
/// <item>one epoch of SET at 90 % against our dense epoch and against PyTorch, dense and masked SET (<see cref="DstEpoch"/>).</item>
/// </list>
/// <c>--reps</c> sets the interleaved repetitions of parts 1–2 (<see cref="Timing"/>), <c>--rounds</c> the rounds of
/// part 4, <c>--steps</c> the steps of the training runs of parts 3–4 (default 300 and one epoch). <c>--smoke</c> runs
/// a few steps of everything, the PyTorch script included, to check that the study works, not to measure.
/// </summary>
internal static class DstStudy
{
    internal const int Batch = 128;

    internal static int Run(string[] args)
    {
        DstOptions options;
        try
        {
            options = DstOptions.Parse(args);
        }
        catch (FormatException bad)
        {
            Console.Error.WriteLine("error: " + bad.Message);
            return 2;
        }

        Dataset data;
        string dataDirectory;
        try
        {
            data = DataCatalog.Resolve(FashionMnist.Name, options.DataDir);
            dataDirectory = options.DataDir ?? new DataCatalog().Fetch(FashionMnist.Name)!;
        }
        catch (DataUnavailableException missing)
        {
            Console.Error.WriteLine("error: " + missing.Message);
            return 2;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Peak.CpuModel()}, {Environment.ProcessorCount} cores, Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, .NET {Environment.Version}."));
        Console.WriteLine($"Peak: {Peak.Describe()}.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Model: EpochMlp 784-1000-1000-10 (ReLU, output [KeepDense]), batch {Batch}, {DstOptions.OptimizerText}, Fashion-MNIST from {dataDirectory}; {options.Describe()}."));
        if (options.Smoke)
        {
            Console.WriteLine("SMOKE RUN: a few steps of everything, to check that the study works. These figures are not measurements.");
        }

        Console.WriteLine();
        if (options.Runs(1))
        {
            DstUpdateCost.LayerUpdates(options, data);
        }

        if (options.Runs(2))
        {
            DstUpdateCost.NetworkSteps(options, data);
        }

        if (options.Runs(3))
        {
            DstMemory.Run(options, data);
        }

        if (options.Runs(4))
        {
            DstEpoch.Run(options, data, dataDirectory);
        }
        return 0;
    }

    internal static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

    internal static SparsityScheduleSpec ParseSchedule(string text) =>
        Expressions.ParseSchedule(text).Value ?? throw new InvalidOperationException($"the study's schedule '{text}' does not parse");

    internal static OptimizerSpec ParseOptimizer(string text) =>
        Expressions.ParseOptimizer(text).Value ?? throw new InvalidOperationException($"the study's optimizer '{text}' does not parse");

    /// <summary>The weight layers that a dynamic schedule updates (every one but [KeepDense] and dense ones), in order.</summary>
    internal static Linear[] SparseLayers(ISparseNetwork network) =>
        [.. network.Layers.OfType<Linear>().Where(l => l.Plan.TargetDensity < 1)];
}

/// <summary>The study's settings from its command line; <see cref="Smoke"/> shrinks every size.</summary>
internal sealed record DstOptions(int Reps, int Rounds, int? Steps, string? DataDir, bool Smoke, bool Torch, int[]? Parts = null)
{
    /// <summary>Whether part <paramref name="part"/> runs: all of them unless <c>--parts 1,2</c> names some.</summary>
    internal bool Runs(int part) => Parts is null || Parts.Contains(part);

    internal const string OptimizerText = "adamw lr=1e-3 wd=1e-4";

    /// <summary>Steps between topology updates: 100 as the examples and papers, 1 in a smoke run (so that updates happen).</summary>
    internal int Every => Smoke ? 1 : 100;

    /// <summary>Steps of the short RigL and SMET runs of part 3.</summary>
    internal int MemorySteps => Steps ?? (Smoke ? 3 : 300);

    /// <summary>Steps of an "epoch" in part 4: one pass over the train split, dropping the short tail, unless told.</summary>
    internal int EpochSteps(Dataset data) => Steps ?? (Smoke ? 3 : data.Train.Count / DstStudy.Batch);

    internal string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Reps} interleaved repetitions (parts 1–2), {Rounds} round{(Rounds == 1 ? "" : "s")} (part 4), topology updates every {Every} steps");

    internal static DstOptions Parse(string[] args)
    {
        string[] known = ["--reps", "--rounds", "--steps", "--data-dir", "--no-torch", "--smoke", "--parts"];
        for (int i = 0; i < args.Length; i++)
        {
            if (!known.Contains(args[i]))
            {
                throw new FormatException($"unknown argument '{args[i]}'; dst takes {string.Join(", ", known)}");
            }

            if (args[i] is not "--no-torch" and not "--smoke")
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{args[i]} needs a value");
                }

                i++;
            }
        }

        bool smoke = args.Contains("--smoke");
        int? steps = Value(args, "--steps") is { } s ? Positive(s, "--steps") : null;
        int rounds = Value(args, "--rounds") is { } r ? Positive(r, "--rounds") : smoke ? 1 : 3;
        int reps = Timing.Repetitions(args, smoke ? 1 : 21);
        int[]? parts = Value(args, "--parts") is { } list
            ? [.. list.Split(',').Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 4 ? n : throw new FormatException($"--parts takes part numbers 1 to 4 separated by commas, not '{list}'"))]
            : null;
        return new DstOptions(reps, rounds, steps, Value(args, "--data-dir"), smoke, !args.Contains("--no-torch"), parts);
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new FormatException($"{name} takes a whole number above 0, not '{text}'");
}
