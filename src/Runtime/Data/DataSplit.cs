namespace SparseDsl.Data;

/// <summary>
/// One split (train or test): <see cref="Inputs"/> sample-major [Count, Features] (sample s at
/// <c>Inputs[s*Features .. (s+1)*Features)</c>) and one label per sample.
/// </summary>
public sealed class DataSplit
{
    public DataSplit(float[] inputs, int[] labels, int features)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if ((long)labels.Length * features != inputs.Length)
        {
            throw new ArgumentException(
                $"{inputs.Length} input values do not make {labels.Length} samples of {features} features.", nameof(inputs));
        }

        Inputs = inputs;
        Labels = labels;
        Features = features;
    }

    /// <summary>Sample-major [Count, Features].</summary>
    public float[] Inputs { get; }

    public int[] Labels { get; }

    public int Features { get; }

    public int Count => Labels.Length;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Sample(int index) => Inputs.AsSpan(checked(index * Features), Features);

    /// <summary>
    /// Fills a FEATURE-MAJOR batch <c>x[feature, batch]</c> (element (i, b) at <c>x[i*batch + b]</c>, batch =
    /// <c>indices.Length</c>) and <c>labels[b]</c> from the samples <paramref name="indices"/>. Buffers may be
    /// longer than needed; the rest is left untouched.
    /// </summary>
    public void FillBatch(ReadOnlySpan<int> indices, Span<float> x, Span<int> labels)
    {
        int batch = indices.Length;
        if (x.Length < (long)Features * batch)
        {
            throw new ArgumentException($"x holds {x.Length} values; a batch of {batch} needs {Features * (long)batch}.", nameof(x));
        }

        if (labels.Length < batch)
        {
            throw new ArgumentException($"labels holds {labels.Length} values; the batch has {batch}.", nameof(labels));
        }

        for (int b = 0; b < batch; b++)
        {
            int sample = indices[b];
            if ((uint)sample >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), sample, $"sample index outside [0, {Count})");
            }

            labels[b] = Labels[sample];
        }

        // A transpose, 16 samples at a time: for each feature, 16 neighbouring floats of x (one 64-byte line) are written
        // together from 16 sample rows read in step. Sample by sample, every write went to another line of x (a stride of
        // batch floats), which made the batch copy a sixth of a 90 %-sparse training step (perf, 2026-12-02).
        const int Block = 16;
        Span<int> rows = stackalloc int[Block];
        for (int b0 = 0; b0 < batch; b0 += Block)
        {
            int width = Math.Min(Block, batch - b0);
            for (int j = 0; j < width; j++)
            {
                rows[j] = indices[b0 + j] * Features;
            }

            for (int i = 0; i < Features; i++)
            {
                Span<float> line = x.Slice(i * batch + b0, width);
                for (int j = 0; j < line.Length; j++)
                {
                    line[j] = Inputs[rows[j] + i];
                }
            }
        }
    }

    /// <summary>Fills a feature-major batch from the consecutive samples [start, start + count) (evaluation).</summary>
    public void FillBatch(int start, int count, Span<float> x, Span<int> labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + (long)count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"samples [{start}, {start + count}) are outside [0, {Count})");
        }

        Span<int> indices = count <= 1024 ? stackalloc int[count] : new int[count];
        for (int b = 0; b < count; b++)
        {
            indices[b] = start + b;
        }

        FillBatch(indices, x, labels);
    }

    /// <summary>A new split holding the samples <paramref name="indices"/>, in that order.</summary>
    public DataSplit Subset(ReadOnlySpan<int> indices)
    {
        var inputs = new float[indices.Length * Features];
        var labels = new int[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            Sample(indices[k]).CopyTo(inputs.AsSpan(k * Features, Features));
            labels[k] = Labels[indices[k]];
        }

        return new DataSplit(inputs, labels, Features);
    }
}
