using ILGPU;
using ILGPU.Algorithms;

namespace SparseDsl.Training.Device;

/// <summary>
/// The device kernels that do not depend on a model's shapes, so they are written once here rather than generated:
/// the loss gradient and the optimizer updates. Each mirrors its CPU twin line for line (SoftmaxCrossEntropy,
/// MeanSquaredError, AdamW's shared and per-weight updates, Sgd) so the two backends can be compared step by step.
/// </summary>
internal static class RuntimeKernels
{
    /// <summary>
    /// Per sample b of feature-major logits [classes, batch]: loss[b] = log Σ_c exp(z[c,b] − max) + max − z[label,b],
    /// correct[b] = (first argmax = label), and dLogits[c,b] = (softmax − onehot) / batch (the batch-mean gradient).
    /// </summary>
    public static void SoftmaxCrossEntropy(
        Index1D b, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> dLogits, ArrayView<float> loss, ArrayView<int> correct, int classes, int batch)
    {
        int argmax = FirstArgMax(logits, b, classes, batch);
        float max = logits[argmax * batch + b];
        int label = labels[b];
        float labelLogit = logits[label * batch + b];
        // Σ exp in double, as the CPU loss (Kernels/Losses.cs) does, so the two backends round alike.
        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            float e = XMath.Exp(logits[c * batch + b] - max);
            dLogits[c * batch + b] = e;
            sum += e;
        }

        loss[b] = (float)(XMath.Log(sum) + max - labelLogit);
        correct[b] = argmax == label ? 1 : 0;
        float scale = 1f / batch;
        float inv = (float)(1.0 / sum) * scale;
        for (int c = 0; c < classes; c++)
        {
            dLogits[c * batch + b] *= inv;
        }

        dLogits[label * batch + b] -= scale;
    }

    /// <summary>
    /// Per sample b of feature-major outputs [classes, batch] regressed onto the one-hot label (as the CPU loss,
    /// Training/LossFunctions.cs): loss[b] = ½ Σ_c (o[c,b] − [c = label])² summed in double, dOutput[c,b] =
    /// (o − t) / batch, and correct[b] = (first argmax = label).
    /// </summary>
    public static void MeanSquaredErrorOneHot(
        Index1D b, ArrayView<float> output, ArrayView<int> labels, ArrayView<float> dOutput, ArrayView<float> loss, ArrayView<int> correct, int classes, int batch)
    {
        int label = labels[b];
        float scale = 1f / batch;
        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            double d = (double)output[c * batch + b] - (c == label ? 1f : 0f);
            sum += d * d;
            dOutput[c * batch + b] = (float)d * scale;
        }

        loss[b] = (float)(0.5 * sum);
        correct[b] = FirstArgMax(output, b, classes, batch) == label ? 1 : 0;
    }

    /// <summary>The class c with the largest values[c, b] of a [classes, batch] array, the first on ties (as the CPU losses).</summary>
    private static int FirstArgMax(ArrayView<float> values, int b, int classes, int batch)
    {
        float max = values[b];
        int argmax = 0;
        for (int c = 1; c < classes; c++)
        {
            float z = values[c * batch + b];
            if (z > max)
            {
                max = z;
                argmax = c;
            }
        }

        return argmax;
    }

    /// <summary>AdamW with a shared step, per value i (see <see cref="AdamW"/>): decay, both moments, bias-corrected update.</summary>
    public static void AdamWStep(Index1D i, ArrayView<float> values, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamWScalars s) =>
        AdamUpdate(i, values, grad, m, v, s.Decay, s.Beta1, s.Beta2, s.OneMinusBeta1, s.OneMinusBeta2, s.Epsilon, s.StepSize, s.InverseSqrtCorrection2);

    /// <summary>
    /// AdamW with per-weight steps (SMET, see <see cref="AdamW"/>), per value i: its age t_i is incremented (and stored
    /// saturated at <see cref="AdamWPerWeightScalars.AgeLimit"/>, as <see cref="WeightAges"/> does), then the
    /// coefficients η·min(t_i/W, 1)/(1 − β1^t_i) and 1/√(1 − β2^t_i) come from the host's table (clamped to its last
    /// entry), and the update is the shared-step one with them. Ages in 2 bytes (the usual case; see
    /// <see cref="AdamWPerWeightStepWide"/> for limits above 65,535).
    /// </summary>
    public static void AdamWPerWeightStep(
        Index1D i, ArrayView<float> values, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, ArrayView<ushort> ages,
        ArrayView<float> stepScale, ArrayView<float> inverseSqrtCorrection2, AdamWPerWeightScalars s)
    {
        int age = ages[i] + 1;
        ages[i] = (ushort)(age < s.AgeLimit ? age : s.AgeLimit);
        AgedUpdate(i, values, grad, m, v, age, stepScale, inverseSqrtCorrection2, s);
    }

    /// <summary><see cref="AdamWPerWeightStep"/> with ages in 4 bytes.</summary>
    public static void AdamWPerWeightStepWide(
        Index1D i, ArrayView<float> values, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, ArrayView<int> ages,
        ArrayView<float> stepScale, ArrayView<float> inverseSqrtCorrection2, AdamWPerWeightScalars s)
    {
        int age = ages[i] + 1;
        ages[i] = age < s.AgeLimit ? age : s.AgeLimit;
        AgedUpdate(i, values, grad, m, v, age, stepScale, inverseSqrtCorrection2, s);
    }

    private static void AgedUpdate(
        int i, ArrayView<float> values, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, int age,
        ArrayView<float> stepScale, ArrayView<float> inverseSqrtCorrection2, AdamWPerWeightScalars s)
    {
        int index = age < s.LastEntry ? age : s.LastEntry;
        AdamUpdate(i, values, grad, m, v, s.Decay, s.Beta1, s.Beta2, s.OneMinusBeta1, s.OneMinusBeta2, s.Epsilon,
            s.LearningRate * stepScale[index], inverseSqrtCorrection2[index]);
    }

    /// <summary>The update both AdamW kernels make of value i once its step size and 1/√(1 − β2^t) are known.</summary>
    private static void AdamUpdate(
        int i, ArrayView<float> values, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v,
        float decay, float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float epsilon, float stepSize, float inverseSqrtCorrection2)
    {
        float gi = grad[i];
        float mi = beta1 * m[i] + oneMinusBeta1 * gi;
        float vi = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        float denominator = XMath.Sqrt(vi) * inverseSqrtCorrection2 + epsilon;
        values[i] = values[i] * decay - stepSize * mi / denominator;
    }

    /// <summary>SGD without momentum, per value i (see <see cref="Sgd"/>): θ ← θ − η·(g + λ·θ).</summary>
    public static void SgdStep(Index1D i, ArrayView<float> values, ArrayView<float> grad, SgdScalars s)
    {
        float theta = values[i];
        values[i] = theta - s.Eta * (grad[i] + s.Lambda * theta);
    }

    /// <summary>SGD with momentum buffer b, per value i (see <see cref="Sgd"/>); Nesterov when <see cref="SgdScalars.Nesterov"/> is 1.</summary>
    public static void SgdMomentumStep(Index1D i, ArrayView<float> values, ArrayView<float> grad, ArrayView<float> buffer, SgdScalars s)
    {
        float theta = values[i];
        float gi = grad[i] + s.Lambda * theta;
        float bi = s.Mu * buffer[i] + gi;
        buffer[i] = bi;
        float direction = s.Nesterov != 0 ? gi + s.Mu * bi : bi;
        values[i] = theta - s.Eta * direction;
    }
}

/// <summary>
/// The per-parameter constants of one AdamW step: a struct because kernels take unmanaged values only, public because
/// ILGPU's emitted launcher (another assembly) must see it — internal fails in Reflection.Emit's CreateType.
/// </summary>
public readonly record struct AdamWScalars(
    float Decay, float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2, float StepSize, float InverseSqrtCorrection2, float Epsilon);

/// <summary>The per-parameter constants of one per-weight-step AdamW update (public for the same reason).</summary>
public readonly record struct AdamWPerWeightScalars(
    float Decay, float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2, float LearningRate, float Epsilon, int LastEntry, int AgeLimit);

/// <summary>The per-parameter constants of one SGD step (public for the same reason); <see cref="Nesterov"/> is 0 or 1.</summary>
public readonly record struct SgdScalars(float Eta, float Lambda, float Mu, int Nesterov);
