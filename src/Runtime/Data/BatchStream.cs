namespace SparseDsl.Data;

/// <summary>
/// Cuts the epochs of an <see cref="IEpochSampler"/> into batches of train indices. Batches never straddle an
/// epoch: the last batch of an epoch is smaller (or dropped with <c>dropLast</c>), so every sample is seen
/// exactly once per epoch. The position (epoch, offset) is all the state, which makes resuming a
/// <see cref="Seek"/>.
/// </summary>
public sealed class BatchStream
{
    private readonly IEpochSampler sampler;
    private readonly int[] order;
    private int filledEpoch = -1;

    public BatchStream(IEpochSampler sampler, int batchSize, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (dropLast && batchSize > sampler.EpochLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"with dropLast a batch must fit in an epoch of {sampler.EpochLength} samples");
        }

        this.sampler = sampler;
        BatchSize = batchSize;
        DropLast = dropLast;
        order = new int[sampler.EpochLength];
    }

    public int BatchSize { get; }

    public bool DropLast { get; }

    /// <summary>Samples one epoch contributes: the sampler's epoch length, less the dropped tail.</summary>
    public int SamplesPerEpoch => DropLast ? sampler.EpochLength / BatchSize * BatchSize : sampler.EpochLength;

    /// <summary>The epoch the next batch comes from (0-based).</summary>
    public int Epoch { get; private set; }

    /// <summary>How many samples of <see cref="Epoch"/> were already handed out.</summary>
    public int Offset { get; private set; }

    /// <summary>Samples handed out since epoch 0 began.</summary>
    public long SamplesSeen => (long)Epoch * SamplesPerEpoch + Offset;

    /// <summary>
    /// Writes the next batch's train indices into <paramref name="indices"/> (at least <see cref="BatchSize"/>
    /// long) and returns how many were written.
    /// </summary>
    public int Next(Span<int> indices)
    {
        if (indices.Length < BatchSize)
        {
            throw new ArgumentException($"indices holds {indices.Length}; a batch is {BatchSize}.", nameof(indices));
        }

        if (Offset >= SamplesPerEpoch)
        {
            Epoch++;
            Offset = 0;
        }

        if (filledEpoch != Epoch)
        {
            sampler.FillEpoch(Epoch, order);
            filledEpoch = Epoch;
        }

        int count = Math.Min(BatchSize, SamplesPerEpoch - Offset);
        order.AsSpan(Offset, count).CopyTo(indices);
        Offset += count;
        return count;
    }

    /// <summary>Moves to <paramref name="epoch"/> after <paramref name="offset"/> samples of it (a multiple of the batch size, or the epoch's end).</summary>
    public void Seek(int epoch, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (offset < 0 || offset > SamplesPerEpoch || (offset % BatchSize != 0 && offset != SamplesPerEpoch))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"not a batch boundary of an epoch of {SamplesPerEpoch} samples in batches of {BatchSize}");
        }

        Epoch = epoch;
        Offset = offset;
    }

    /// <summary>Batches per epoch (the last one possibly smaller).</summary>
    public int BatchesPerEpoch => (SamplesPerEpoch + BatchSize - 1) / BatchSize;

    /// <summary>Moves to where <paramref name="steps"/> calls of <see cref="Next"/> from the start end.</summary>
    public void SeekToStep(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        long epoch = steps / BatchesPerEpoch;
        long within = steps % BatchesPerEpoch;
        Seek(checked((int)epoch), (int)Math.Min(within * BatchSize, SamplesPerEpoch));
    }
}
