namespace SparseDsl.Runtime.Tests.Optimizers;

/// <summary>
/// Plain-loop float64 twins of the optimizers, written from PyTorch's published update equations
/// (docs of torch.optim.SGD and torch.optim.AdamW), plus the SMET per-weight variant.
/// </summary>
internal static class ReferenceOptimizers
{
    /// <summary>torch.optim.SGD (dampening τ = 0), one step. <paramref name="buffer"/> is null when μ = 0; <paramref name="t"/> is 1-based.</summary>
    public static void SgdStep(double[] theta, ReadOnlySpan<float> grad, double[]? buffer, int t, double lr, double momentum, bool nesterov, double weightDecay)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double g = grad[i];
            if (weightDecay != 0)
            {
                g += weightDecay * theta[i];
            }

            if (momentum != 0)
            {
                buffer![i] = t > 1 ? momentum * buffer[i] + g : g;
                g = nesterov ? g + momentum * buffer[i] : buffer[i];
            }

            theta[i] -= lr * g;
        }
    }

    /// <summary>torch.optim.AdamW (amsgrad off), one step at the 1-based step <paramref name="t"/>.</summary>
    public static void AdamWStep(double[] theta, ReadOnlySpan<float> grad, double[] m, double[] v, int t, double lr, double beta1, double beta2, double epsilon, double weightDecay)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double g = grad[i];
            theta[i] -= lr * weightDecay * theta[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double mHat = m[i] / (1 - Math.Pow(beta1, t));
            double vHat = v[i] / (1 - Math.Pow(beta2, t));
            theta[i] -= lr * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }

    /// <summary>SMET AdamW: each value's own age t_i (incremented here) drives its bias correction, and m̂ is scaled by min(t_i/W, 1).</summary>
    public static void SmetAdamWStep(double[] theta, ReadOnlySpan<float> grad, double[] m, double[] v, int[] ages, int warmupSteps, double lr, double beta1, double beta2, double epsilon, double weightDecay)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            int t = ++ages[i];
            double g = grad[i];
            theta[i] -= lr * weightDecay * theta[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double scale = Math.Min(t / (double)warmupSteps, 1.0);
            double mHat = scale * m[i] / (1 - Math.Pow(beta1, t));
            double vHat = v[i] / (1 - Math.Pow(beta2, t));
            theta[i] -= lr * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }
}
