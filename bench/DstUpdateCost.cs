using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Sparse;
using SparseDsl.Training;
using static SparseDsl.Bench.DstStudy;

namespace SparseDsl.Bench;

/// <summary>
/// Parts 1 and 2 of <see cref="DstStudy"/>: what one topology update costs, per layer against that layer's training
/// step, and per network step against a normal step. Updates run through <see cref="DynamicSparsity.Update"/>, so
/// they cost what they cost in training: planning (magnitudes, drop, growth; RigL's dense gradient tile by tile) and
/// applying (values, gradient, AdamW m and v moved; CSR rebuilt).
/// </summary>
internal static class DstUpdateCost
{
    /// <summary>SET's update, as the examples run it.</summary>
    internal const string SetText = "set every=100 drop=0.3";

    /// <summary>
    /// RigL's update at drop 0.3, the largest fraction its cosine schedule (<c>rigl every=100 drop=0.3 cosine
    /// until=75%</c>) ever uses (at its first update); later updates move fewer weights and cost less.
    /// </summary>
    internal const string RiglText = "rigl every=100 drop=0.3 constant";

    // The schedules need a run length; with a constant drop fraction the update after step 100 is like any other.
    private const int TotalSteps = 10_000;
    private const int UpdateStep = 100;

    /// <summary>Part 1: Hidden1 and Hidden2 at 90 % and 95 %; update (SET, RigL) against the layer's forward + backward.</summary>
    internal static void LayerUpdates(DstOptions options, Dataset data)
    {
        Console.WriteLine("## 1. Topology update of one layer against one training step of that layer");
        Console.WriteLine();
        Console.WriteLine("Each hidden layer at exactly the sparsity shown (uniform distribution), after one training step of the whole network on a");
        Console.WriteLine("real batch (so the layers hold their input and ∂loss/∂z, and AdamW's m and v are set). Layer step: that layer's forward +");
        Console.WriteLine("backward alone (Hidden1 computes no dx, as in the network). Update: `DynamicSparsity.Update` over that layer alone: drop 30 %");
        Console.WriteLine($"of its active weights by magnitude, regrow as many (SET `{SetText}`: at random; RigL `{RiglText}`: by |dense");
        Console.WriteLine($"gradient|, {MaskUpdater.GradientTileRows} rows at a time from the layer's last input and ∂loss/∂z), then `SparseWeight.Apply` (values, gradient, m, v moved;");
        Console.WriteLine("CSR rebuilt). \"planning\" is SET's `MaskUpdater.Plan` alone (the rest of its update is applying);");
        Console.WriteLine("\"dense gradient\" is RigL's gradient tiles alone. Each update runs 40 times untimed first (tiered JIT). Medians of interleaved");
        Console.WriteLine("repetitions; ratios are medians of per-round ratios. Target: an update costs at most 2 layer steps.");
        Console.WriteLine();
        Console.WriteLine("| layer | sparsity | active weights | moved per update | layer step fwd+bwd (ms) | SET update (ms) | of which planning (ms) | SET / step | RigL update (ms) | of which dense gradient (ms) | RigL / step | target ≤ 2 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var optimizerSpec = ParseOptimizer(DstOptions.OptimizerText);
        foreach (double sparsity in new[] { 0.9, 0.95 })
        {
            var network = new EpochMlp(new NetworkOptions(sparsity, Distribution.Uniform, Seed: 1));
            var optimizer = Optimizer.Create(optimizerSpec, network.Parameters, TotalSteps);
            var batch = new DstBatch(network, data, seed: 1);
            Linear[] layers = [.. network.Layers.OfType<Linear>()]; // Hidden1, Hidden2, Output

            // The network's step written out layer by layer, as its generated Forward and Backward are, so that each
            // hidden layer's input and ∂loss/∂y are at hand for its own step.
            float[] hidden1Out = layers[0].Forward(batch.Inputs, Batch);
            float[] hidden2Out = layers[1].Forward(hidden1Out, Batch);
            batch.Loss(layers[2].Forward(hidden2Out, Batch));
            float[] hidden2Grad = layers[2].Backward(batch.LossGradient, Batch, needInputGradient: true)!;
            float[] hidden1Grad = layers[1].Backward(hidden2Grad, Batch, needInputGradient: true)!;
            layers[0].Backward(hidden1Grad, Batch, needInputGradient: false);
            optimizer.Step(0);

            LayerRow(options, layers[0], sparsity, () =>
            {
                layers[0].Forward(batch.Inputs, Batch);
                layers[0].Backward(hidden1Grad, Batch, needInputGradient: false);
            });
            LayerRow(options, layers[1], sparsity, () =>
            {
                layers[1].Forward(hidden1Out, Batch);
                layers[1].Backward(hidden2Grad, Batch, needInputGradient: true);
            });
        }

        Console.WriteLine();
    }

    /// <summary>Part 2: the RigL (and SET) update step of the whole network at 90 % (ERK) against a normal step.</summary>
    internal static void NetworkSteps(DstOptions options, Dataset data)
    {
        Console.WriteLine("## 2. A training step with a topology update against a normal step, whole network");
        Console.WriteLine();
        Console.WriteLine("EpochMlp at 90 % sparsity (ERK, as the `epoch` study). Normal step: forward, loss, backward, AdamW step on one batch");
        Console.WriteLine("(the batch is already in the trainer's buffers on both sides). Update step: the same, then `DynamicSparsity.Update` of");
        Console.WriteLine("both hidden layers and the trainer's extra forward and loss on the same batch (the loss after the update). Target: a");
        Console.WriteLine("RigL update step costs at most 3 normal steps.");
        Console.WriteLine();
        var network = new EpochMlp(new NetworkOptions(0.9, Distribution.Erk, Seed: 1));
        var optimizer = Optimizer.Create(ParseOptimizer(DstOptions.OptimizerText), network.Parameters, TotalSteps);
        var batch = new DstBatch(network, data, seed: 1);
        var rigl = DynamicSparsity.For(network, ParseSchedule(RiglText), TotalSteps)!;
        var set = DynamicSparsity.For(network, ParseSchedule(SetText), TotalSteps)!;
        long[] active = [.. network.Layers.Select(l => l.ActiveWeights)];
        Action normal = () => batch.Train(optimizer, 0);
        // As Trainer's hook: RigL's gradient sources captured, the loss just before, the update, the loss just after.
        Action riglStep = () =>
        {
            batch.Train(optimizer, 0);
            var gradients = Capture(rigl);
            batch.LossAfterUpdate();
            rigl.Update(UpdateStep, gradients);
            batch.LossAfterUpdate();
        };
        Action setStep = () =>
        {
            batch.Train(optimizer, 0);
            batch.LossAfterUpdate();
            set.Update(UpdateStep);
            batch.LossAfterUpdate();
        };
        Warm(options, riglStep, setStep);
        (double[] t, double[] ratio) = Timing.Interleaved(options.Reps, normal, riglStep, setStep);
        CheckCounts(network.Layers, active, "network");
        string densities = string.Join(", ", SparseLayers(network).Select(l => $"{l.Name} {F(100 * l.Density, "F1")} %"));
        Console.WriteLine("| network | active weights | normal step (ms) | RigL update step (ms) | RigL / normal | target ≤ 3 | SET update step (ms) | SET / normal |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| 784-1000-1000-10, 90 % ERK ({densities} dense) | {active.Sum():N0} | {F(t[0] * 1e3, "F3")} | {F(t[1] * 1e3, "F3")} | {F(ratio[1])}× | {Verdict(ratio[1] <= 3)} | {F(t[2] * 1e3, "F3")} | {F(ratio[2])}× |");
        Console.WriteLine();
    }

    private static void LayerRow(DstOptions options, Linear layer, double sparsity, Action layerStep)
    {
        var view = new SingleLayerView(layer);
        var set = DynamicSparsity.For(view, ParseSchedule(SetText), TotalSteps)!;
        var rigl = DynamicSparsity.For(view, ParseSchedule(RiglText), TotalSteps)!;
        long active = layer.ActiveWeights;
        int version = layer.Weight.Version;
        int tileRows = MaskUpdater.GradientTileRows;
        var tile = new float[(long)tileRows * layer.Inputs];
        long moved = 0;
        Action setUpdate = () => moved = set.Update(UpdateStep)[0].Grown;
        Action riglUpdate = () => rigl.Update(UpdateStep, Capture(rigl));
        // SET's planning alone, as DynamicSparsity.Update plans (its apply is the rest of "SET update").
        Action setPlan = () =>
        {
            UpdateScratch scratch = UpdateScratch.ForThisThread;
            int count = layer.Weight.Format.ActiveUnitCount;
            int[] units = scratch.OldUnits(count);
            layer.Weight.Format.WriteActiveUnits(units);
            int drop = (int)Math.Floor(count * 0.3);
            MaskUpdater.Plan(layer.Weight.Layout, units, count, layer.Weight.Parameter.Values, drop, GrowCriterion.Random, new SeededRandomSource(SeededRandom.For(1, RandomPurpose.MaskUpdate, UpdateStep)), null, scratch);
        };
        Action denseGradient = () =>
        {
            var rows = layer.CaptureDenseGradient();
            for (int first = 0; first < layer.Outputs; first += tileRows)
            {
                rows(first, Math.Min(tileRows, layer.Outputs - first), tile);
            }
        };
        Warm(options, setUpdate, riglUpdate);
        (double[] t, double[] ratio) = Timing.Interleaved(options.Reps, layerStep, setUpdate, riglUpdate, denseGradient, setPlan);
        CheckCounts([layer], [active], layer.Name);
        if (layer.Weight.Format is not CsrFormat || layer.Weight.Version == version)
        {
            Console.WriteLine($"WARNING: {layer.Name} is not a CSR layer whose topology changed ({layer.Weight.Format.GetType().Name}, {layer.Weight.Version - version} updates)");
        }

        Console.WriteLine($"| {layer.Name} {layer.Inputs}→{layer.Outputs} | {F(100 * sparsity, "F0")} % | {active:N0} | {moved:N0} | {F(t[0] * 1e3, "F3")} | {F(t[1] * 1e3, "F3")} | {F(t[4] * 1e3, "F3")} | {F(ratio[1])}× | {F(t[2] * 1e3, "F3")} | {F(t[3] * 1e3, "F3")} | {F(ratio[2])}× | SET {Verdict(ratio[1] <= 2)}, RigL {Verdict(ratio[2] <= 2)} |");
    }

    /// <summary>
    /// Calls each update often enough for the tiered JIT to recompile its methods optimized (30 calls each) before
    /// <see cref="Timing"/>'s own warm-up, which is sized for kernels (0.4 s) and would end after a dozen updates: the
    /// study measures the steady cost of an update, as after the first few updates of a run.
    /// </summary>
    private static void Warm(DstOptions options, params Action[] updates)
    {
        int calls = options.Smoke ? 1 : 40;
        foreach (Action update in updates)
        {
            for (int i = 0; i < calls; i++)
            {
                update();
            }
        }
    }

    /// <summary>Drop and grow keep every layer's count: a changed count means the study measured something else.</summary>
    private static void CheckCounts(IReadOnlyList<Layer> layers, long[] before, string what)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].ActiveWeights != before[i])
            {
                Console.WriteLine($"WARNING: {what}: {layers[i].Name} went from {before[i]:N0} to {layers[i].ActiveWeights:N0} active weights");
            }
        }
    }

    internal static string Verdict(bool met) => met ? "**met**" : "**missed**";

    /// <summary>Each updated layer's dense gradient sources copied, as the trainer does before a RigL update.</summary>
    private static Func<Linear, DenseGradientRows> Capture(DynamicSparsity dynamic)
    {
        var captured = dynamic.Layers.ToDictionary(l => l, l => l.CaptureDenseGradient());
        return layer => captured[layer];
    }
}
