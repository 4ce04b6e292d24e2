using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

            int first = width == Block && Avx.IsSupported ? TransposeBlock(rows, x, batch, b0) : 0;
            for (int i = first; i < Features; i++)
            {
                Span<float> line = x.Slice(i * batch + b0, width);
                for (int j = 0; j < line.Length; j++)
                {
                    line[j] = Inputs[rows[j] + i];
                }
            }
        }
    }

    /// <summary>
    /// Features [0, returned) of a whole block of 16 samples (row offsets <paramref name="rows"/>), by 8×8 transposes
    /// in registers: the copy one float at a time cost about 3 cycles a float even from cache (0.08 ms a batch of 128
    /// Fashion-MNIST samples, most of the batch copy). The caller checked the offsets and the extent of x.
    /// </summary>
    private unsafe int TransposeBlock(ReadOnlySpan<int> rows, Span<float> x, int batch, int b0)
    {
        int f = 0;
        fixed (float* source = Inputs)
        fixed (float* target = x)
        {
            for (; f + 8 <= Features; f += 8)
            {
                float* line = target + ((long)f * batch) + b0; // x[f, b0]: eight lines of 16 samples
                Transpose8x8(source + f, rows[..8], line, batch);
                Transpose8x8(source + f, rows[8..], line + 8, batch);
            }
        }

        return f;
    }

    /// <summary>Writes feature j (of 8 from <paramref name="source"/>) of samples <paramref name="rows"/> to target[j·stride .. + 8).</summary>
    private static unsafe void Transpose8x8(float* source, ReadOnlySpan<int> rows, float* target, int stride)
    {
        // Sample k's features f..f+7 are a_k0..a_k7. Unpacking pairs of samples, then shuffling pairs of those, gives
        // features (j, j + 4) of four samples in the two 128-bit halves; the last step joins the halves of samples 0–3
        // and 4–7.
        Vector256<float> t0 = Avx.UnpackLow(Avx.LoadVector256(source + rows[0]), Avx.LoadVector256(source + rows[1]));
        Vector256<float> t1 = Avx.UnpackHigh(Avx.LoadVector256(source + rows[0]), Avx.LoadVector256(source + rows[1]));
        Vector256<float> t2 = Avx.UnpackLow(Avx.LoadVector256(source + rows[2]), Avx.LoadVector256(source + rows[3]));
        Vector256<float> t3 = Avx.UnpackHigh(Avx.LoadVector256(source + rows[2]), Avx.LoadVector256(source + rows[3]));
        Vector256<float> t4 = Avx.UnpackLow(Avx.LoadVector256(source + rows[4]), Avx.LoadVector256(source + rows[5]));
        Vector256<float> t5 = Avx.UnpackHigh(Avx.LoadVector256(source + rows[4]), Avx.LoadVector256(source + rows[5]));
        Vector256<float> t6 = Avx.UnpackLow(Avx.LoadVector256(source + rows[6]), Avx.LoadVector256(source + rows[7]));
        Vector256<float> t7 = Avx.UnpackHigh(Avx.LoadVector256(source + rows[6]), Avx.LoadVector256(source + rows[7]));
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE); // features (0, 4), (1, 5) of samples 0–3
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE); // (2, 6), (3, 7)
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE); // the same of samples 4–7
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(target, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(target + stride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(target + (2 * stride), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(target + (3 * stride), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(target + (4 * stride), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(target + (5 * stride), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(target + (6 * stride), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(target + (7 * stride), Avx.Permute2x128(u3, u7, 0x31));
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
