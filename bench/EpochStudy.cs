using System.Diagnostics;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Bench;

/// <summary>
/// The SET paper's MLP without a fixed layer: every hidden layer follows the model-level target, so sparsity 0 is
/// the dense network. Declared here so the generator builds it exactly as in a user's project.
/// </summary>
[SparseModel(Loss = Loss.SoftmaxCrossEntropy, Distribution = Distribution.Erk)]
public partial class EpochMlp
{
    [Input(784)]
    public partial Layer Pixels { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden1 { get; }

    [Dense(1000, Activation = Activation.Relu)]
    public partial Layer Hidden2 { get; }

    [Dense(10), KeepDense]
    public partial Layer Output { get; }
}

/// <summary>
/// `epoch`: one epoch of Fashion-MNIST (60,000 samples, batch 128, AdamW) for the 784-1000-1000-10 MLP dense and at
/// 90 % and 95 % sparsity, interleaved over rounds so the ratios are measured side by side. Times the training
/// steps only (the evaluation after the epoch is reported apart). Prints a markdown table. <c>epoch [rounds] [data-dir]
/// [--no-align-copy]</c>.
/// </summary>
internal static class EpochStudy
{
    private const int Batch = 128;

    public static int Run(string[] args)
    {
        // --no-align-copy: the CSR kernels gather misaligned activation rows as they are (to measure what the copy buys).
        Sparse.CsrKernels.CopyMisalignedSources = !args.Contains("--no-align-copy");
        args = args.Where(a => a != "--no-align-copy").ToArray();
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2;
        string? dataDir = args.Length > 1 ? args[1] : null;
        Dataset data;
        try
        {
            data = DataCatalog.Resolve("fashion-mnist", dataDir);
        }
        catch (DataUnavailableException missing)
        {
            Console.Error.WriteLine("error: " + missing.Message);
            return 2;
        }

        int steps = data.Train.Labels.Length / Batch; // one pass over the training split
        var optimizer = Expressions.ParseOptimizer("adamw lr=1e-3 wd=1e-4").Value!;
        double[] sparsities = [0, 0.9, 0.95];
        var seconds = sparsities.ToDictionary(s => s, _ => new List<double>());

        // The host changes and its load swings (PERFORMANCE.md): every run says which CPU it ran on and what peak it measured.
        Console.WriteLine($"Machine: {Peak.CpuModel()}, {Environment.ProcessorCount} cores. Peak: {Peak.Describe()}.");
        Console.WriteLine();
        Console.WriteLine($"| round | sparsity | active weights | epoch train time (s) | test accuracy after the epoch |");
        Console.WriteLine("|---|---|---|---|---|");
        for (int round = 1; round <= rounds; round++)
        {
            foreach (double sparsity in sparsities)
            {
                var network = new EpochMlp(new NetworkOptions(sparsity, Distribution.Erk, Seed: round));
                long active = network.Layers.Sum(l => l.ActiveWeights);
                var clock = Stopwatch.StartNew();
                double trained = 0;
                var trainer = new Trainer(network, data, new TrainingSettings(steps, Batch, steps, optimizer, Loss.SoftmaxCrossEntropy, round))
                {
                    StepCompleted = (step, _) =>
                    {
                        if (step == steps)
                        {
                            trained = clock.Elapsed.TotalSeconds;
                        }
                    },
                };
                var summary = trainer.Run();
                seconds[sparsity].Add(trained);
                Console.WriteLine(FormattableString.Invariant($"| {round} | {sparsity} | {active:N0} | {trained:F2} | {summary.Final.TestAccuracy:F4} |"));
            }
        }

        double dense = Median(seconds[0]);
        foreach (double sparsity in sparsities.Skip(1))
        {
            Console.WriteLine(FormattableString.Invariant($"median epoch: dense {dense:F2} s, sparsity {sparsity} {Median(seconds[sparsity]):F2} s -> {dense / Median(seconds[sparsity]):F2}x faster"));
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
