namespace SparseDsl.Data;

/// <summary>
/// The tokens of one part of a text corpus (train or validation), its documents end to end. A training example is
/// a <b>chunk</b>: chunk k of context T reads the T + 1 tokens <c>[k·T, k·T + T]</c>; the first T are the inputs and
/// the last T (each input's next token) the targets, so chunks share no input token and chunk k's last target is
/// chunk k + 1's first input. Treat <see cref="Tokens"/> as read-only: one instance is shared by every run in a process.
/// </summary>
public sealed class TokenStream
{
    public TokenStream(int[] tokens, IReadOnlyList<string> documents)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(documents);
        Tokens = tokens;
        Documents = documents;
    }

    public int[] Tokens { get; }

    /// <summary>The names of the documents this part holds, in order.</summary>
    public IReadOnlyList<string> Documents { get; }

    public int Count => Tokens.Length;

    /// <summary>Whole chunks of <paramref name="context"/> tokens (with their targets) in this part: ⌊(Count − 1) / T⌋.</summary>
    public int ChunkCount(int context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);
        return Count < 2 ? 0 : (Count - 1) / context;
    }

    /// <summary>
    /// Fills row-major <c>inputs[b, t]</c> and <c>targets[b, t]</c> (element (b, t) at <c>b·T + t</c>, batch =
    /// <c>chunks.Length</c>) from the chunks <paramref name="chunks"/>: <c>inputs[b, t] = Tokens[k·T + t]</c>,
    /// <c>targets[b, t] = Tokens[k·T + t + 1]</c> with k = chunks[b]. Buffers may be longer than needed.
    /// </summary>
    public void FillBatch(ReadOnlySpan<int> chunks, int context, Span<int> inputs, Span<int> targets)
    {
        int available = ChunkCount(context);
        long needed = (long)chunks.Length * context;
        if (inputs.Length < needed || targets.Length < needed)
        {
            throw new ArgumentException($"inputs and targets must hold {needed} tokens for {chunks.Length} chunks of {context}; they hold {inputs.Length} and {targets.Length}.");
        }

        for (int b = 0; b < chunks.Length; b++)
        {
            int chunk = chunks[b];
            if ((uint)chunk >= (uint)available)
            {
                throw new ArgumentOutOfRangeException(nameof(chunks), chunk, $"chunk index outside [0, {available}) (chunks of {context} tokens)");
            }

            ReadOnlySpan<int> source = Tokens.AsSpan(chunk * context, context + 1);
            source[..context].CopyTo(inputs.Slice(b * context, context));
            source[1..].CopyTo(targets.Slice(b * context, context));
        }
    }

    /// <summary>Fills a batch from the consecutive chunks [start, start + count) (evaluation over the validation part).</summary>
    public void FillBatch(int start, int count, int context, Span<int> inputs, Span<int> targets)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int[] chunks = new int[count];
        for (int b = 0; b < count; b++)
        {
            chunks[b] = start + b;
        }

        FillBatch(chunks, context, inputs, targets);
    }
}
