using System.Numerics;
using System.Runtime.InteropServices;

namespace SparseDsl.Training;

public sealed partial class AdamW
{
    /// <summary>
    /// The SMET update over [start, end): each value's age t_i is incremented, then its coefficients
    /// η·min(t_i/W, 1)/(1 − β1^t_i) and 1/√(1 − β2^t_i) are looked up (scalar, per block of 256) and the block is
    /// updated with vectors.
    /// </summary>
    private sealed class PerWeightKernel(
        float[] values, float[] grad, float[] m, float[] v, WeightAges ages, BiasCorrectionTable table,
        float lr, float decay, float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float epsilon)
    {
        private const int Block = 256;

        public void Run(int start, int end)
        {
            Span<float> stepSizes = stackalloc float[Block];
            Span<float> inverseSqrtCorrections = stackalloc float[Block];
            Span<int> entries = stackalloc int[Block];
            float[] stepScale = table.StepScale;
            float[] inverseSqrtCorrection2 = table.InverseSqrtCorrection2;
            int last = table.Count - 1;
            for (int blockStart = start; blockStart < end; blockStart += Block)
            {
                int count = Math.Min(Block, end - blockStart);
                ages.Advance(blockStart, blockStart + count, last, entries);
                for (int j = 0; j < count; j++)
                {
                    int index = entries[j];
                    stepSizes[j] = lr * stepScale[index];
                    inverseSqrtCorrections[j] = inverseSqrtCorrection2[index];
                }

                UpdateBlock(blockStart, count, stepSizes, inverseSqrtCorrections);
            }
        }

        private void UpdateBlock(int offset, int count, ReadOnlySpan<float> stepSizes, ReadOnlySpan<float> inverseSqrtCorrections)
        {
            ref float w = ref MemoryMarshal.GetArrayDataReference(values);
            ref float g = ref MemoryMarshal.GetArrayDataReference(grad);
            ref float rm = ref MemoryMarshal.GetArrayDataReference(m);
            ref float rv = ref MemoryMarshal.GetArrayDataReference(v);
            ref float rs = ref MemoryMarshal.GetReference(stepSizes);
            ref float rc = ref MemoryMarshal.GetReference(inverseSqrtCorrections);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vDecay = new Vector<float>(decay);
                var vBeta1 = new Vector<float>(beta1);
                var vBeta2 = new Vector<float>(beta2);
                var vOneMinusBeta1 = new Vector<float>(oneMinusBeta1);
                var vOneMinusBeta2 = new Vector<float>(oneMinusBeta2);
                var vEpsilon = new Vector<float>(epsilon);
                for (; j <= count - Vector<float>.Count; j += Vector<float>.Count)
                {
                    nuint at = (nuint)(offset + j);
                    Vector<float> gi = Vector.LoadUnsafe(ref g, at);
                    Vector<float> mi = vBeta1 * Vector.LoadUnsafe(ref rm, at) + vOneMinusBeta1 * gi;
                    Vector<float> vi = vBeta2 * Vector.LoadUnsafe(ref rv, at) + vOneMinusBeta2 * (gi * gi);
                    mi.StoreUnsafe(ref rm, at);
                    vi.StoreUnsafe(ref rv, at);
                    Vector<float> denominator = Vector.SquareRoot(vi) * Vector.LoadUnsafe(ref rc, (nuint)j) + vEpsilon;
                    Vector<float> theta = Vector.LoadUnsafe(ref w, at) * vDecay;
                    (theta - Vector.LoadUnsafe(ref rs, (nuint)j) * mi / denominator).StoreUnsafe(ref w, at);
                }
            }

            for (; j < count; j++)
            {
                int i = offset + j;
                float gi = grad[i];
                float mi = beta1 * m[i] + oneMinusBeta1 * gi;
                float vi = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
                m[i] = mi;
                v[i] = vi;
                float denominator = MathF.Sqrt(vi) * inverseSqrtCorrections[j] + epsilon;
                float theta = values[i] * decay;
                values[i] = theta - stepSizes[j] * mi / denominator;
            }
        }
    }

    /// <summary>
    /// Per-age coefficients computed in double: <c>StepScale[t] = min(t/W, 1)/(1 − β1^t)</c> and
    /// <c>InverseSqrtCorrection2[t] = 1/√(1 − β2^t)</c>. Grown with the step count up to the age past which both are
    /// constant in float (β^t &lt; 2⁻³⁰ and t ≥ W); older values use the last entry.
    /// </summary>
    private sealed class BiasCorrectionTable(double beta1, double beta2, int warmupSteps)
    {
        private readonly int _cap = Cap(beta1, beta2, warmupSteps);

        public float[] StepScale { get; private set; } = [0f];

        public float[] InverseSqrtCorrection2 { get; private set; } = [0f];

        /// <summary>Entries 0..Count−1 are filled (entry 0, age 0, is never used).</summary>
        public int Count { get; private set; } = 1;

        public void EnsureCovers(int age)
        {
            int needed = (int)Math.Min((long)Math.Min(age, _cap) + 1, int.MaxValue);
            if (needed <= Count)
            {
                return;
            }

            int length = (int)Math.Min(Math.Max(needed, 2L * Count), (long)_cap + 1);
            float[] stepScale = new float[length];
            float[] inverse = new float[length];
            Array.Copy(StepScale, stepScale, Count);
            Array.Copy(InverseSqrtCorrection2, inverse, Count);
            for (int t = Count; t < length; t++)
            {
                double warmup = Math.Min(t / (double)warmupSteps, 1.0);
                stepScale[t] = (float)(warmup / (1.0 - Math.Pow(beta1, t)));
                inverse[t] = (float)(1.0 / Math.Sqrt(1.0 - Math.Pow(beta2, t)));
            }

            StepScale = stepScale;
            InverseSqrtCorrection2 = inverse;
            Count = length;
        }

        /// <summary>The last age the table needs an entry for: every older age uses that entry.</summary>
        public static int Cap(double beta1, double beta2, int warmupSteps) =>
            (int)Math.Min(int.MaxValue - 1, Math.Max(warmupSteps, Math.Max(Saturation(beta1), Saturation(beta2))));

        private static double Saturation(double beta) =>
            beta <= 0 ? 1 : Math.Ceiling(-30 * Math.Log(2) / Math.Log(beta));
    }
}
