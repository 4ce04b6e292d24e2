using System.Numerics;
using System.Runtime.InteropServices;
using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Stochastic gradient descent as <c>torch.optim.SGD</c> (dampening 0), per value:
/// <code>
/// g ← g + λ·θ                  (coupled L2, only when Parameter.Decays)
/// b ← μ·b + g                  (b starts at 0, so the first b = g; no buffer when μ = 0)
/// d ← g + μ·b if nesterov, else b   (d = g when μ = 0)
/// θ ← θ − η·d
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    public Sgd(OptimizerSpec spec, IEnumerable<Parameter> parameters, int totalSteps)
        : base(Validate(spec), parameters, totalSteps, slotCount: spec.Momentum != 0 ? 1 : 0, ageLimit: null)
    {
    }

    /// <summary>The momentum buffer b of <paramref name="parameter"/>; empty when momentum is 0.</summary>
    public ReadOnlySpan<float> MomentumBuffer(Parameter parameter)
    {
        var slots = Member(parameter).Slots;
        return slots.Count == 0 ? [] : slots[0];
    }

    private protected override void Update(Parameter parameter, double lr)
    {
        float[] values = parameter.Values;
        float[] grad = parameter.Grad;
        float[]? buffer = parameter.Slots.Count == 0 ? null : parameter.Slots[0];
        float eta = (float)lr;
        float lambda = parameter.Decays ? (float)Spec.WeightDecay : 0f;
        float mu = (float)Spec.Momentum;
        bool nesterov = Spec.Nesterov;
        ForChunks(values.Length, (start, end) => UpdateRange(values, grad, buffer, start, end, eta, lambda, mu, nesterov));
    }

    private static void UpdateRange(float[] values, float[] grad, float[]? buffer, int start, int end, float eta, float lambda, float mu, bool nesterov)
    {
        ref float w = ref MemoryMarshal.GetArrayDataReference(values);
        ref float g = ref MemoryMarshal.GetArrayDataReference(grad);
        int i = start;
        if (buffer is null)
        {
            if (Vector.IsHardwareAccelerated)
            {
                var vEta = new Vector<float>(eta);
                var vLambda = new Vector<float>(lambda);
                for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
                {
                    nuint at = (nuint)i;
                    Vector<float> theta = Vector.LoadUnsafe(ref w, at);
                    Vector<float> gi = Vector.LoadUnsafe(ref g, at) + vLambda * theta;
                    (theta - vEta * gi).StoreUnsafe(ref w, at);
                }
            }

            for (; i < end; i++)
            {
                float theta = values[i];
                float gi = grad[i] + lambda * theta;
                values[i] = theta - eta * gi;
            }

            return;
        }

        ref float b = ref MemoryMarshal.GetArrayDataReference(buffer);
        if (Vector.IsHardwareAccelerated)
        {
            var vEta = new Vector<float>(eta);
            var vLambda = new Vector<float>(lambda);
            var vMu = new Vector<float>(mu);
            for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
            {
                nuint at = (nuint)i;
                Vector<float> theta = Vector.LoadUnsafe(ref w, at);
                Vector<float> gi = Vector.LoadUnsafe(ref g, at) + vLambda * theta;
                Vector<float> bi = vMu * Vector.LoadUnsafe(ref b, at) + gi;
                bi.StoreUnsafe(ref b, at);
                Vector<float> direction = nesterov ? gi + vMu * bi : bi;
                (theta - vEta * direction).StoreUnsafe(ref w, at);
            }
        }

        for (; i < end; i++)
        {
            float theta = values[i];
            float gi = grad[i] + lambda * theta;
            float bi = mu * buffer[i] + gi;
            buffer[i] = bi;
            float direction = nesterov ? gi + mu * bi : bi;
            values[i] = theta - eta * direction;
        }
    }

    private static OptimizerSpec Validate(OptimizerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != OptimizerKind.Sgd)
        {
            throw new ArgumentException($"Sgd needs an sgd spec, not {spec.Kind}.", nameof(spec));
        }

        if (spec.Momentum < 0 || spec.WeightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), "Momentum and weight decay must be non-negative.");
        }

        if (spec.Nesterov && spec.Momentum == 0)
        {
            throw new ArgumentException("Nesterov momentum requires a momentum above 0 (as torch.optim.SGD).", nameof(spec));
        }

        return spec;
    }
}
