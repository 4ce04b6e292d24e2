using SparseDsl.Kernels;
using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// A language model lowered from its declaration (<see cref="ModelSpec"/>: [Embedding], [TransformerBlock],
/// [LayerNorm], [Unembedding]) on the CPU: its parameters (E [V, D], P [T, D] for learned positions, the blocks, the
/// final norm, the head tied to E or its own W [V, D]) run by the orchestration both backends share
/// (<see cref="TokenPass{T}"/>: embedding, blocks, norm, head and loss, and backward in reverse). The generator supplies the block's matrix shapes as <typeparamref name="TAttention"/>
/// (D → D), <typeparamref name="TUp"/> (D → H) and <typeparamref name="TDown"/> (H → D), so the kernels are specialized.
/// </summary>
public sealed class TokenNetwork<TAttention, TUp, TDown> : ITokenNetwork, ITokenNetworkParts
    where TAttention : ILayerShape
    where TUp : ILayerShape
    where TDown : ILayerShape
{
    private readonly Parameter table;      // E [V, D]
    private readonly Parameter? positions; // P [T, D], learned positions only
    private readonly Parameter? headTable; // W [V, D] for an untied head
    private readonly TransformerBlock<TAttention, TUp, TDown>[] blocks;
    private readonly NormLayer final;
    private readonly IReadOnlyList<NormLayer> norms;

    private readonly TokenPass<float[]> pass;

    public TokenNetwork(ModelSpec spec, NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        spec = options.Resize(spec);
        if (!spec.IsTokenModel || spec.Layers.Count != 4 || spec.Layers[0].Embedding is not { } embedding || spec.Layers[1].Block is not { } block)
        {
            throw new ArgumentException($"{spec.Name} is not a language model ([Embedding], [TransformerBlock], [LayerNorm], [Unembedding])", nameof(spec));
        }

        Vocab = embedding.Vocab;
        Context = embedding.Context;
        Width = TAttention.Out;
        if (spec.Layers[0].Units != Width || ModelMatrices.Hidden(block, Width) != TUp.Out)
        {
            throw new ArgumentException($"{spec.Name}: the generated shapes ({Width} wide, {TUp.Out} hidden) do not match width {spec.Layers[0].Units}", nameof(spec));
        }

        var plan = NetworkPlan.Solve(spec, options);
        string tokens = spec.Layers[0].Name, blocksName = spec.Layers[1].Name;
        table = new Parameter(tokens + ".table", Normal(Vocab * Width, 0.02, plan.ParameterSeed(0)), decays: true);
        positions = block.IsRotary ? null : new Parameter(tokens + ".positions", Normal(Context * Width, 0.01, plan.ParameterSeed(1)), decays: true);
        var rotary = block.IsRotary ? new RotaryTable(Width / block.Heads, Context) : null;
        blocks = new TransformerBlock<TAttention, TUp, TDown>[block.Count];
        for (int l = 0; l < block.Count; l++)
        {
            blocks[l] = new TransformerBlock<TAttention, TUp, TDown>(
                blocksName + "." + l, block.Heads, Context, block.IsRmsNorm, block.IsSwiGlu, rotary, plan.Matrix);
        }

        final = new NormLayer(spec.Layers[2].Name, Width, block.IsRmsNorm);
        LayerSpec head = spec.Layers[3];
        headTable = head.TiedTo is null ? new Parameter(head.Name + ".weight", Normal(Vocab * Width, 0.02, plan.ParameterSeed(2)), decays: true) : null;
        norms = [.. blocks.SelectMany(b => b.Norms), final];
        Matrices = [.. blocks.SelectMany(b => b.Matrices)];
        Layers =
        [
            new TableLayer(tokens, Vocab, Width),
            new BlockStack(blocksName, Width, Matrices),
            final,
            new TableLayer(head.Name, Width, Vocab, tied: headTable is null),
        ];
        Parameters = [table, .. positions is null ? [] : new[] { positions }, .. blocks.SelectMany(b => b.Parameters), .. final.Parameters, .. headTable is null ? [] : new[] { headTable }];
        pass = new TokenPass<float[]>(new Ends(this), [.. blocks.Select(b => b.Pass)], final, norms, new CpuScratch(2), Width, Context);
    }

    public int Vocab { get; }

    public int Context { get; }

    public int Width { get; }

    /// <summary>As declared: the embedding (<see cref="TableLayer"/>), the blocks (<see cref="BlockStack"/>), the final norm, the head.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Every block's Q, K, V, O, Up, (Gate,) Down, block by block.</summary>
    public IReadOnlyList<Linear> Matrices { get; }

    /// <summary>E, P (learned positions), each block's parameters, the final norm, the head's own matrix (untied).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Embedding and head parameters (counted apart from N, as the seed paper does).</summary>
    public long EmbeddingParameters => table.Length + (positions?.Length ?? 0) + (headTable?.Length ?? 0);

    Parameter ITokenNetworkParts.Table => table;

    Parameter? ITokenNetworkParts.Positions => positions;

    Parameter? ITokenNetworkParts.HeadTable => headTable;

    IReadOnlyList<TransformerBlockParts> ITokenNetworkParts.Blocks => [.. blocks.Select(b => b.Parts)];

    NormLayer ITokenNetworkParts.Final => final;

    public double ForwardBackward(int[] ids, int[] targets, int sequences) => pass.ForwardBackward(ids, targets, sequences);

    public (double Loss, long Correct) Evaluate(int[] ids, int[] targets, int sequences) => pass.Evaluate(ids, targets, sequences);

    /// <summary>The CPU's embedding and head (tied or untied) with its fused cross-entropy.</summary>
    private sealed class Ends(TokenNetwork<TAttention, TUp, TDown> network) : ITokenEnds<float[]>
    {
        private float[]? embedded; // x0 [D, N]
        private float[]? logits;   // [V, N]

        private Parameter Head => network.headTable ?? network.table;

        public float[] Embed(int[] ids, int tokens)
        {
            float[] x = Buffers.Ensure(ref embedded, (long)network.Width * tokens);
            TokenEmbedding.Forward(ids, network.table.Values, network.positions?.Values, x, network.Vocab, network.Width, tokens, network.Context);
            return x;
        }

        public void EmbedBackward(int[] ids, float[] dx, int tokens) =>
            TokenEmbedding.Backward(ids, dx, network.table.Grad, network.positions?.Grad, network.Vocab, network.Width, tokens, network.Context);

        public double HeadForwardBackward(float[] h, int[] targets, float[] dh, int tokens) =>
            TiedHead.ForwardBackward(Head.Values, h, targets, Buffers.Ensure(ref logits, (long)network.Vocab * tokens), dh, Head.Grad, network.Vocab, network.Width, tokens);

        public (double Loss, long Correct) HeadEvaluate(float[] h, int[] targets, int tokens)
        {
            int vocab = network.Vocab;
            float[] z = Buffers.Ensure(ref logits, (long)vocab * tokens); // [V, N]
            double loss = TiedHead.Loss(Head.Values, h, targets, z, vocab, network.Width, tokens);
            long correct = 0;
            for (int t = 0; t < tokens; t++)
            {
                int best = 0;
                float bestValue = z[t];
                for (int c = 1; c < vocab; c++)
                {
                    float value = z[(long)c * tokens + t];
                    if (value > bestValue)
                    {
                        best = c;
                        bestValue = value;
                    }
                }

                correct += best == targets[t] ? 1 : 0;
            }

            return (loss, correct);
        }

        public void ZeroGradients()
        {
            Array.Clear(network.table.Grad);
            if (network.positions is not null)
            {
                Array.Clear(network.positions.Grad);
            }

            if (network.headTable is not null)
            {
                Array.Clear(network.headTable.Grad);
            }
        }
    }

    /// <summary>N(0, σ²) values from <paramref name="seed"/> (Box–Muller on <see cref="Random"/>), GPT-2's embedding init.</summary>
    private static float[] Normal(int count, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }
}
