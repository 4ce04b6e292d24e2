using SparseDsl.Data;
using SparseDsl.Sparse;
using SparseDsl.Training;
using static SparseDsl.Bench.DstStudy;

namespace SparseDsl.Bench;

/// <summary>
/// Part 3 of <see cref="DstStudy"/>: the training state of short RigL and SMET runs at 90 % sparsity, counted at every
/// step (and right after every topology update) from the arrays the network holds, against the dense model's weights,
/// gradients and AdamW state.
/// </summary>
internal static class DstMemory
{
    private static readonly (string Name, string Schedule, string Optimizer)[] Runs =
    [
        ("RigL", "rigl every={0} drop=0.3 cosine until=75%", DstOptions.OptimizerText),
        ("SMET", "smet every={0}", DstOptions.OptimizerText + " moment-warmup=100 density-lr=1"),
    ];

    internal static void Run(DstOptions options, Dataset data)
    {
        int steps = options.MemorySteps;
        var dense = new EpochMlp(new NetworkOptions(0, Distribution.Erk, Seed: 1));
        long denseBytes = dense.Layers.OfType<Linear>().Sum(l => 4 * (l.DenseWeights + l.Outputs) * sizeof(float));
        Console.WriteLine("## 3. Training state of dynamic sparse training at 90 % sparsity against the dense model");
        Console.WriteLine();
        Console.WriteLine($"EpochMlp at 90 % (ERK) trained {steps} steps; counted after every step and right after every topology update: weights, gradients,");
        Console.WriteLine("optimizer state (AdamW m and v; SMET adds a 2-byte age per value) and index arrays (CSR row pointers and column indices;");
        Console.WriteLine("the CPU's dX scatters row by row and keeps no transpose map) of every layer, biases and the dense output");
        Console.WriteLine($"layer included. Dense: weights + gradients + AdamW m, v of the dense model = {Mib(denseBytes)} MiB. The maximum over steps as a");
        Console.WriteLine("fraction of dense; target ≤ 15 %. \"allocated by an update\" is the most one topology update allocated (GC count): values and");
        Console.WriteLine("state move within their arrays and the plan uses per-thread scratch kept from earlier updates (parts 1–2 of this run filled");
        Console.WriteLine("it), so what is left is RigL's per-layer copy of the input and ∂loss/∂z, made once per layer and reused.");
        Console.WriteLine();
        Console.WriteLine("| run | schedule; optimizer | updates | max state (MiB) | of dense | target ≤ 15 % | weights | gradients | optimizer state | CSR row ptr + col idx | allocated by an update, max (MiB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var notes = new List<string>();
        foreach ((string name, string scheduleFormat, string optimizerText) in Runs)
        {
            string scheduleText = string.Format(System.Globalization.CultureInfo.InvariantCulture, scheduleFormat, options.Every);
            var schedule = ParseSchedule(scheduleText);
            var network = new EpochMlp(new NetworkOptions(0.9, Distribution.Erk, Seed: 1, Schedule: schedule));
            var max = default(TrainingState);
            long allocatedAtStep = 0, allocatedByUpdate = 0;
            int updates = 0;
            void Sample()
            {
                var now = TrainingState.Of(network);
                if (now.Total > max.Total)
                {
                    max = now;
                }
            }

            var settings = new TrainingSettings(steps, Batch, steps, ParseOptimizer(optimizerText), Loss.SoftmaxCrossEntropy, Seed: 1, schedule);
            new Trainer(network, data, settings)
            {
                // The trainer reports a step, then runs its topology update (if one is due), then reports the update.
                StepCompleted = (_, _) =>
                {
                    Sample();
                    allocatedAtStep = GC.GetTotalAllocatedBytes(precise: true);
                },
                TopologyUpdated = _ =>
                {
                    allocatedByUpdate = Math.Max(allocatedByUpdate, GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStep);
                    updates++;
                    Sample();
                },
            }.Run();
            double fraction = (double)max.Total / denseBytes;
            Console.WriteLine($"| {name} | `{scheduleText}`; `{optimizerText}` | {updates} | {Mib(max.Total)} | {F(100 * fraction, "F1")} % | {DstUpdateCost.Verdict(fraction <= 0.15)} | " +
                $"{Part(max.Values, max)} | {Part(max.Gradients, max)} | {Part(max.Optimizer, max)} | {Part(max.CsrIndices, max)} | {Mib(allocatedByUpdate)} |");
            notes.Add($"{name}: at the maximum the largest part is {max.Largest()}.");
        }

        Console.WriteLine();
        notes.ForEach(Console.WriteLine);
        Console.WriteLine("Per active weight a CSR layer stores 4 floats (value, gradient, m, v; SMET a 2-byte age more, 4 bytes if its age cap were");
        Console.WriteLine("above 65,535) and 1 int (column index) against the dense model's 4 floats per weight, so the hidden layers at 90 % alone come");
        Console.WriteLine("to 10 % × 20/16 = 12.5 % of their dense state (SMET 10 % × 22/16 = 13.75 %), before the dense output layer and the biases. SMET's shared per-age coefficient table");
        Console.WriteLine("(≈166 KB, docs/optimizers.md) is not counted. Activation buffers (batch × layer width, the same for dense and sparse) are not counted.");
        Console.WriteLine();
    }

    private static string Mib(long bytes) => F(bytes / 1048576.0, "F2");

    private static string Part(long bytes, TrainingState of) => $"{Mib(bytes)} ({F(100.0 * bytes / of.Total, "F0")} %)";
}

/// <summary>Bytes of a network's training state by kind, from the arrays its layers hold now.</summary>
internal readonly record struct TrainingState(long Values, long Gradients, long Optimizer, long CsrIndices)
{
    public long Total => Values + Gradients + Optimizer + CsrIndices;

    public static TrainingState Of(ISparseNetwork network)
    {
        long values = 0, gradients = 0, optimizer = 0, csr = 0;
        foreach (Linear layer in network.Layers.OfType<Linear>())
        {
            foreach (Parameter parameter in layer.Parameters)
            {
                values += (long)parameter.Values.Length * sizeof(float);
                gradients += (long)parameter.Grad.Length * sizeof(float);
                optimizer += parameter.StateBytes;
            }

            if (layer.Weight.Format is CsrFormat { Matrix: var m })
            {
                csr += ((long)m.RowPtr.Length + m.ColIdx.Length) * sizeof(int);
            }
        }

        return new TrainingState(values, gradients, optimizer, csr);
    }

    /// <summary>The largest kind and its share, e.g. "optimizer state 36 %".</summary>
    public string Largest()
    {
        (string Name, long Bytes)[] parts =
            [("weights", Values), ("gradients", Gradients), ("optimizer state", Optimizer), ("CSR indices", CsrIndices)];
        var top = parts.MaxBy(p => p.Bytes);
        return $"{top.Name} {F(100.0 * top.Bytes / Total, "F0")} %; index arrays {F(100.0 * CsrIndices / Total, "F0")} %";
    }
}
