using System.Globalization;
using static SparseDsl.Bench.LmStudy;

namespace SparseDsl.Bench;

/// <summary>One timed run of ours in the <c>lm</c> study, and the memory it held.</summary>
/// <param name="TokensPerSecond">Timed tokens over timed seconds.</param>
/// <param name="LastLoss">The last timed step's mean token loss (a sanity check: near ln 256 ≈ 5.55 on random ids).</param>
/// <param name="Active">N_active: the blocks' active matrix weights (q, k, v, o, up, down; biases and norms not counted).</param>
/// <param name="Embedding">Embedding parameters, counted apart from N (the token table and learned positions; the head is tied).</param>
/// <param name="WeightBytes">Every parameter's length × 4 bytes (a gradient is as long: the same again).</param>
/// <param name="StateBytes">The optimizer's state (<see cref="Training.IOptimizer.StateBytes"/>: AdamW's m and v).</param>
/// <param name="ActivationBytes">Managed heap growth across the first ForwardBackward (GC.GetTotalMemory(true) before and after).</param>
internal sealed record LmRun(double TokensPerSecond, double LastLoss, long Active, long Embedding, long WeightBytes, long StateBytes, long ActivationBytes);

/// <summary>The <c>lm</c> study's summary tables: throughput, FLOPs and MFU, PyTorch side by side, memory.</summary>
internal static class LmReport
{
    /// <param name="ours">Each contender of ours in the study's order (dense first): its name, density and one run per round.</param>
    /// <param name="theirs">PyTorch's tokens/s per round by density (1 = dense, else masked), empty when it did not run.</param>
    /// <param name="peak">The measured FP32 peak in FLOP/s.</param>
    internal static void Print(
        IReadOnlyList<(string Name, double Density, IReadOnlyList<LmRun> Runs)> ours,
        IReadOnlyDictionary<double, List<double>> theirs,
        double peak,
        int V,
        int D,
        int T,
        int L)
    {
        // The tied head: logits z = E·h cost 2·V·D per token forward; backward ∂h = Eᵀ·∂z and ∂E += ∂z·hᵀ twice that.
        long head = 6L * V * D;
        // Causal attention per token and block: the query at position t reads t + 1 keys; S = q·kᵀ and a = P·v each take
        // 2·D·(t + 1) FLOPs summed over the heads (H heads of D/H features). Averaged over t = 0 … T−1, (t + 1) is (T + 1)/2,
        // so the forward is 4·D·(T + 1)/2 = 2·D·(T + 1). The backward has four products of the same sizes (∂P = ∂a·vᵀ,
        // ∂v = Pᵀ·∂a, ∂q = ∂S·k, ∂k = ∂Sᵀ·q), twice the forward: fwd + bwd = 6·D·(T + 1) per block, 6·L·D·(T + 1) in all,
        // ≈ 6·L·T·D. Softmax and its backward (O(T) per token and head) are left out. Our kernel skips the masked
        // triangle; PyTorch's plain form (torch 1.13) computes the full T × T scores, twice these products.
        long attention = 6L * L * D * (T + 1);
        var dense = ours[0].Runs;
        LmRun first = dense[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"N_active: the blocks' active matrix weights (q, k, v, o, up, down × {L}); biases and norms are not counted. Embeddings are counted apart: {first.Embedding:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(token table V·D = {(long)V * D:N0} + learned positions T·D = {(long)T * D:N0}); the head is tied to the token table."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Model FLOPs per token = 6·N_active + 6·V·D, the tied head's 6·V·D = {head:N0} (2·V·D forward, 4·V·D backward)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Attention FLOPs per token, stated apart: 6·L·D·(T+1) = {attention:N0} (causal: fwd 2·D·(T+1) per block for q·kᵀ and P·v, backward twice that; softmax not counted)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MFU = (6·N_active + 6·V·D) · tokens/s / peak ({peak / 1e9:F0} GFLOP/s measured above); \"incl. attention\" adds the attention FLOPs. × dense and ÷ torch are medians of per-round ratios."));
        Console.WriteLine();
        Console.WriteLine("| contender | density | N_active | model FLOPs/token | tokens/s (median) | × ours dense | MFU | MFU incl. attention | ours ÷ torch dense | ours ÷ torch masked, same d |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, density, runs) in ours)
        {
            double tps = Median(runs.Select(r => r.TokensPerSecond));
            long flops = 6 * runs[0].Active + head;
            List<double>? masked = density >= 1 ? null : theirs.GetValueOrDefault(density);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {density:0.###} | {runs[0].Active:N0} | {flops:N0} | {tps:F0} | {RoundRatio(runs, dense.Select(r => r.TokensPerSecond).ToList())} | {100 * flops * tps / peak:F1} % | {100 * (flops + attention) * tps / peak:F1} % | {RoundRatio(runs, theirs.GetValueOrDefault(1.0))} | {(density >= 1 ? "–" : RoundRatio(runs, masked))} |"));
        }

        if (theirs.Values.Any(v => v.Count > 0))
        {
            Console.WriteLine();
            Console.WriteLine("| PyTorch contender | tokens/s (median) | × torch dense |");
            Console.WriteLine("|---|---|---|");
            foreach ((double density, List<double> tps) in theirs.OrderByDescending(kv => kv.Key))
            {
                string name = density >= 1 ? "torch dense" : string.Create(CultureInfo.InvariantCulture, $"torch masked d={density:0.###}");
                string ratio = tps.Count == 0 || theirs[1.0].Count == 0 ? "–" : F(Median(tps.Zip(theirs[1.0], (m, d) => m / d)));
                Console.WriteLine($"| {name} | {(tps.Count == 0 ? "–" : F(Median(tps), "F0"))} | {ratio} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Memory per run, MiB. Weights and gradients: every parameter's length × 4 bytes (embeddings, norms and biases included);");
        Console.WriteLine("AdamW state: the optimizer's StateBytes (m and v, 2 slots); activations: an ESTIMATE, the managed heap's growth across");
        Console.WriteLine("the first ForwardBackward (GC.GetTotalMemory(true) before and after; median over rounds; kernels' shared scratch may land in one run only).");
        Console.WriteLine();
        Console.WriteLine("| contender | weights | gradients | AdamW state | activations (heap growth, first step) | total |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, _, runs) in ours)
        {
            LmRun run = runs[0];
            double activations = Median(runs.Select(r => (double)r.ActivationBytes));
            double total = 2.0 * run.WeightBytes + run.StateBytes + activations;
            Console.WriteLine($"| {name} | {MiB(run.WeightBytes)} | {MiB(run.WeightBytes)} | {MiB(run.StateBytes)} | {MiB(activations)} | {MiB(total)} |");
        }
    }

    /// <summary>Median over rounds of ours[r] / reference[r] (tokens/s; above 1: ours is faster), or "–".</summary>
    private static string RoundRatio(IReadOnlyList<LmRun> ours, IReadOnlyList<double>? reference)
    {
        int rounds = Math.Min(ours.Count, reference?.Count ?? 0);
        return rounds == 0 ? "–" : F(Median(Enumerable.Range(0, rounds).Select(r => ours[r].TokensPerSecond / reference![r]))) + "×";
    }

    private static string MiB(double bytes) => F(bytes / (1 << 20));

    private static double Median(IEnumerable<double> values) => Timing.Median([.. values]);
}
