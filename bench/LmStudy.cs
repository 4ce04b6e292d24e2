using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Bench;

/// <summary>
/// The issue's TinyLm ("Language models under scarce data", Performance): byte vocabulary, width 128, context 128,
/// 4 pre-norm blocks of 4 heads and a 512-unit GELU MLP, learned positions, head tied to the embedding. Declared here so
/// the generator builds it exactly as in a user's project; the study sets each run's sparsity and pattern.
/// </summary>
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class BenchLm
{
    [Embedding(vocab: 256, dim: 128, Context = 128), KeepDense] public partial Layer Tokens { get; }
    [TransformerBlock(heads: 4, MlpRatio = 4, Count = 4)]       public partial Layer Blocks { get; }
    [LayerNorm]                                                 public partial Layer Final { get; }
    [Unembedding(TiedTo = nameof(Tokens)), KeepDense]          public partial Layer Head { get; }
}

/// <summary>
/// <c>lm [rounds] [--steps N] [--batch B] [--no-torch] [--only NAME]</c>: training throughput of <see cref="BenchLm"/> in tokens/s
/// (timed: <c>ForwardBackward</c> + the AdamW step, after untimed warm-up steps; random token ids from a fixed seed),
/// dense, unstructured at density 0.5 / 0.25 / 0.125 and block 16×16 at 0.25 / 0.125, interleaved over rounds so the
/// ratios are side by side, medians reported; with model FLOPs, MFU against the peak measured in the same run, and the
/// memory of each run. Unless <c>--no-torch</c>, the PyTorch twin (bench/pytorch/tiny_lm.py, a child process per
/// round, <see cref="TorchPeer"/>) trains dense and masked at 0.5 and 0.25 in the same rounds.
/// </summary>
internal static class LmStudy
{
    private const int SettleMs = 150;
    private const string OptimizerText = "adamw lr=1e-3 wd=0.1";
    private const double TorchDense = 1.0;
    private static readonly double[] TorchDensities = [0.5, 0.25];

    /// <summary>One contender of ours: its density (1 = dense) and pattern (null = unstructured).</summary>
    private sealed record Config(double Density, string? Pattern)
    {
        public string Name => Density >= 1 ? "dense" : string.Create(CultureInfo.InvariantCulture, $"{Pattern ?? "unstructured"} d={Density:0.###}");

        public NetworkOptions Options(int seed) => new(
            1 - Density,
            Distribution.Uniform,
            seed,
            Pattern is null ? null : Expressions.ParsePattern(Pattern).Value ?? throw new InvalidOperationException($"the study's pattern '{Pattern}' does not parse"));
    }

    private static readonly Config[] Configs =
    [
        new(1, null), new(0.5, null), new(0.25, null), new(0.125, null), new(0.25, "block 16x16"), new(0.125, "block 16x16"),
    ];

    public static int Run(string[] args)
    {
        int rounds, steps, batch;
        bool torch = !args.Contains("--no-torch") && !args.Contains("--only");
        Config[] selected = Configs;
        try
        {
            string[] rest = [.. args.Where(a => a != "--no-torch")];
            int only = Array.IndexOf(rest, "--only");
            if (only >= 0)
            {
                // --only NAME: one of our contenders (e.g. dense), for a profiler; the PyTorch peer is skipped with it.
                string name = only + 1 < rest.Length ? rest[only + 1] : throw new FormatException("--only needs a contender name, e.g. dense");
                selected = Configs.Where(c => c.Name == name).ToArray();
                if (selected.Length == 0)
                {
                    throw new FormatException($"--only {name}: no such contender; use one of {string.Join(", ", Configs.Select(c => c.Name))}");
                }

                rest = [.. rest[..only], .. rest[(only + 2)..]];
            }

            steps = Option(ref rest, "--steps", 30);
            batch = Option(ref rest, "--batch", 16);
            rounds = rest.Length switch
            {
                0 => 3,
                1 => Positive(rest[0], "rounds"),
                _ => throw new FormatException($"unexpected '{rest[1]}'; lm takes [rounds] [--steps N] [--batch B] [--no-torch] [--only NAME]"),
            };
        }
        catch (FormatException bad)
        {
            Console.Error.WriteLine("error: " + bad.Message);
            return 2;
        }

        int warmup = Math.Min(20, steps); // enough steps for the JIT to reach its optimized tier before timing
        const int V = 256, D = 128, T = 128, L = 4;
        // Random byte ids from a fixed seed: a stream of T + 1 per sequence, the targets the ids shifted by one.
        var random = new Random(20261202);
        var ids = new int[batch * T];
        var targets = new int[batch * T];
        for (int b = 0; b < batch; b++)
        {
            int previous = random.Next(V);
            for (int t = 0; t < T; t++)
            {
                int next = random.Next(V);
                ids[b * T + t] = previous;
                targets[b * T + t] = next;
                previous = next;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Peak.CpuModel()}, {Environment.ProcessorCount} cores, Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, .NET {Environment.Version}."));
        Console.WriteLine($"Peak: {Peak.Describe()}.");
        double peak = Peak.Gflops * 1e9;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Model: BenchLm (the issue's TinyLm): V={V}, D={D}, T={T}, {L} pre-norm blocks of 4 heads and a 512-unit tanh-GELU MLP, learned positions, head tied to the embedding;"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch {batch} sequences × {T} tokens = {batch * T} tokens a step, `{OptimizerText}`, random token ids (fixed seed); {warmup} untimed warm-up steps then {steps} timed steps"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(ForwardBackward + AdamW step) per contender per round, {rounds} round{(rounds == 1 ? "" : "s")}, contenders interleaved (order reversed every other round); medians."));
        Console.WriteLine();

        var ours = selected.ToDictionary(c => c, _ => new List<LmRun>());
        var theirs = new Dictionary<double, List<double>> { [TorchDense] = [] };
        foreach (double d in TorchDensities)
        {
            theirs[d] = [];
        }

        var notes = new List<string>();
        IReadOnlyList<string>? torchSetup = null;
        Console.WriteLine("| round | contender | tokens/s | last loss |");
        Console.WriteLine("|---|---|---|---|");
        for (int round = 1; round <= rounds; round++)
        {
            foreach (Config config in round % 2 == 1 ? selected : selected.Reverse())
            {
                LmRun run = Measure(config, round, warmup, steps, batch, ids, targets);
                ours[config].Add(run);
                Console.WriteLine($"| {round} | ours {config.Name} | {F(run.TokensPerSecond, "F0")} | {F(run.LastLoss, "F4")} |");
            }

            if (!torch)
            {
                continue;
            }

            GC.Collect();
            Thread.Sleep(SettleMs);
            TorchResults peer = TorchPeer.Run("tiny_lm.py",
            [
                "--steps", Invariant(steps),
                "--batch", Invariant(batch),
                "--modes", round % 2 == 1 ? "dense,masked" : "masked,dense",
                "--density", string.Join(",", TorchDensities.Select(d => Invariant(d))),
                "--seed", Invariant(round),
                "--threads", Invariant(Environment.ProcessorCount),
                "--warmup", Invariant(warmup),
            ]);
            if (peer.Unavailable is { } why)
            {
                notes.Add($"PyTorch: not available ({why}); run `{TorchPeer.InstallCommand}` to add its rows. Our figures stand alone.");
                torch = false;
                continue;
            }

            if (peer.Failure is { } failure)
            {
                notes.Add($"PyTorch: {failure}");
                torch = false;
                continue;
            }

            torchSetup ??= peer.Setup;
            foreach (IReadOnlyDictionary<string, string> result in peer.Results)
            {
                double density = double.Parse(result["density"], CultureInfo.InvariantCulture);
                double tps = double.Parse(result["tokens_per_second"], CultureInfo.InvariantCulture);
                theirs[density].Add(tps);
                string name = result["mode"] == "dense" ? "dense" : $"masked d={result["density"]}";
                Console.WriteLine($"| {round} | torch {name} | {F(tps, "F0")} | {result.GetValueOrDefault("last_loss", "–")} |");
                if (result.GetValueOrDefault("inactive_zero", "yes") != "yes")
                {
                    notes.Add($"WARNING: round {round}: torch {name}: weights off the mask are not zero");
                }
            }
        }

        Console.WriteLine();
        LmReport.Print(selected.Select(c => (c.Name, c.Density, (IReadOnlyList<LmRun>)ours[c])).ToList(), theirs, peak, V, D, T, L);
        Console.WriteLine();
        foreach (string line in torchSetup ?? [])
        {
            Console.WriteLine("PyTorch setup: " + line);
        }

        if (torchSetup is not null && !Directory.Exists(TorchPeer.OpenMpBlasDirectory))
        {
            notes.Add($"libopenblas0-openmp is not installed, so torch multiplied through whatever libblas.so.3 is (TOOLCHAIN §10); run `{TorchPeer.InstallCommand}`.");
        }

        notes.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>
    /// One contender of one round: a fresh network (seed = round) and AdamW; the first step measures the managed heap's
    /// growth (the activation buffers each layer allocates on first use), the warm-up steps are untimed, then the steps.
    /// </summary>
    private static LmRun Measure(Config config, int seed, int warmup, int steps, int batch, int[] ids, int[] targets)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Thread.Sleep(SettleMs);
        var network = new BenchLm(config.Options(seed));
        var optimizer = Optimizer.Create(Expressions.ParseOptimizer(OptimizerText).Value!, network.Parameters, warmup + steps);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        double loss = network.ForwardBackward(ids, targets, batch);
        long activations = GC.GetTotalMemory(forceFullCollection: true) - before;
        optimizer.Step(0);
        for (int step = 1; step < warmup; step++)
        {
            network.ForwardBackward(ids, targets, batch);
            optimizer.Step(step);
        }

        long start = Stopwatch.GetTimestamp();
        for (int step = 0; step < steps; step++)
        {
            loss = network.ForwardBackward(ids, targets, batch);
            optimizer.Step(warmup + step);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new LmRun(
            (double)steps * batch * network.Context / seconds,
            loss,
            network.Matrices.Sum(m => m.ActiveWeights),
            network.EmbeddingParameters,
            network.Parameters.Sum(p => (long)p.Length * sizeof(float)),
            optimizer.StateBytes,
            activations);
    }

    private static int Option(ref string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        if (at + 1 >= args.Length)
        {
            throw new FormatException($"{name} needs a value");
        }

        int value = Positive(args[at + 1], name);
        args = [.. args[..at], .. args[(at + 2)..]];
        return value;
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new FormatException($"{name} takes a whole number above 0, not '{text}'");

    internal static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
