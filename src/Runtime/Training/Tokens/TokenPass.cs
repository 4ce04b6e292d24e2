namespace SparseDsl.Training;

/// <summary>
/// The two ends of a language model on one backend: the token embedding in, the head and its loss out, and the
/// gradients of the tables they own. The rest of the network is <see cref="BlockPass{T}"/>s and norms.
/// </summary>
internal interface ITokenEnds<T>
{
    /// <summary>x0 [D, N] = E[ids] (+ P[t]).</summary>
    T Embed(int[] ids, int tokens);

    /// <summary>The embedding's (and learned positions') gradients from ∂x0 [D, N], added to.</summary>
    void EmbedBackward(int[] ids, T dx, int tokens);

    /// <summary>The mean next-token loss of h [D, N], ∂loss/∂h into <paramref name="dh"/>, and the head's gradient added to.</summary>
    double HeadForwardBackward(T h, int[] targets, T dh, int tokens);

    /// <summary>The mean next-token loss of h [D, N] and how many targets were the arg-max prediction.</summary>
    (double Loss, long Correct) HeadEvaluate(T h, int[] targets, int tokens);

    /// <summary>The table, position and head gradients cleared before a step's backward pass (they accumulate).</summary>
    void ZeroGradients();
}

/// <summary>
/// A language model's forward and backward passes, written once for both backends (the CPU's
/// <see cref="TokenNetwork{TAttention, TUp, TDown}"/> and the device's network run this with their own ends, blocks
/// and norms), llm.c's shape:
/// <code>
/// x0 = E[ids] (+ P[t])                   [D, N]    N = sequences · T
/// x_l = block_l(x_{l−1})                 [D, N]    l = 1 … L
/// h  = norm(x_L)                         [D, N]
/// loss = CE(logits = E·h or W·h, targets) [V, N]
/// </code>
/// and backward in reverse.
/// </summary>
internal sealed class TokenPass<T>(
    ITokenEnds<T> ends, IReadOnlyList<BlockPass<T>> blocks, INormPass<T> final, IReadOnlyList<INormPass<T>> norms, IScratch<T> scratch, int width, int context)
    : IDisposable
{
    private const int DFinal = 0, DLast = 1; // ∂h [D, N], ∂x_L [D, N]

    /// <summary>
    /// One training step over <paramref name="sequences"/> × T tokens (<paramref name="ids"/> and <paramref name="targets"/>
    /// row-major [sequences, T]): forward, the loss, backward; every gradient overwritten. Returns the mean token loss.
    /// </summary>
    public double ForwardBackward(int[] ids, int[] targets, int sequences)
    {
        int tokens = Tokens(ids, targets, sequences);
        T h = Forward(ids, tokens);
        ends.ZeroGradients();
        foreach (var norm in norms)
        {
            norm.ZeroGradients();
        }

        T dh = scratch.Get(DFinal, (long)width * tokens);
        double loss = ends.HeadForwardBackward(h, targets, dh, tokens);
        T dx = scratch.Get(DLast, (long)width * tokens);
        final.Backward(dh, dx, tokens, accumulate: false);                 // ∂x_L [D, N]
        for (int l = blocks.Count - 1; l >= 0; l--)
        {
            dx = blocks[l].Backward(dx, tokens);                            // ∂x_{l−1} [D, N]
        }

        ends.EmbedBackward(ids, dx, tokens);
        return loss;
    }

    /// <summary>The forward pass only: the mean token loss and the arg-max hits.</summary>
    public (double Loss, long Correct) Evaluate(int[] ids, int[] targets, int sequences)
    {
        int tokens = Tokens(ids, targets, sequences);
        return ends.HeadEvaluate(Forward(ids, tokens), targets, tokens);
    }

    public void Dispose() => scratch.Dispose();

    /// <summary>N = sequences · T, after checking the ids and targets hold that many.</summary>
    private int Tokens(int[] ids, int[] targets, int sequences)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        int n = checked(sequences * context);
        if (ids.Length < n || targets.Length < n)
        {
            throw new ArgumentException($"{sequences} sequences of {context} tokens need {n} ids and targets; got {ids.Length} and {targets.Length}");
        }

        return n;
    }

    /// <summary>h [D, N] = norm(blocks(E[ids] + P)).</summary>
    private T Forward(int[] ids, int tokens)
    {
        T x = ends.Embed(ids, tokens);                                      // x0 [D, N]
        foreach (var block in blocks)
        {
            x = block.Forward(x, tokens);                                   // x_l [D, N]
        }

        return final.Forward(x, tokens);
    }
}
