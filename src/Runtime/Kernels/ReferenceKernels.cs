namespace SparseDsl.Kernels;

/// <summary>
/// The slow twins: plain loops in float64, one per fast kernel, for tests and the benchmark's sanity checks.
/// Same layouts as the fast kernels (row-major, feature-major activations).
/// </summary>
internal static class ReferenceKernels
{
    /// <summary>C = op(A)·op(B) (+ C), with the same argument meaning as <see cref="Gemm.Multiply"/>.</summary>
    internal static void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float[] a, float[] b, float[] c, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transposeA ? a[p * m + i] : a[i * k + p];
                    double bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }

                c[i * n + j] = (float)sum;
            }
        }
    }

    /// <summary>y[o,b] = Σ_i W[o,i]·x[i,b] + bias[o].</summary>
    internal static void DenseForward(float[] w, float[] bias, float[] x, float[] y, int inputs, int outputs, int batch)
    {
        for (int o = 0; o < outputs; o++)
        {
            for (int b = 0; b < batch; b++)
            {
                double sum = bias[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += (double)w[o * inputs + i] * x[i * batch + b];
                }

                y[o * batch + b] = (float)sum;
            }
        }
    }

    /// <summary>dW = dy·xᵀ, db = Σ_b dy, dx = Wᵀ·dy (dx null: skipped).</summary>
    internal static void DenseBackward(float[] w, float[] x, float[] dy, float[] dW, float[] db, float[]? dx, int inputs, int outputs, int batch)
    {
        for (int o = 0; o < outputs; o++)
        {
            double bsum = 0;
            for (int b = 0; b < batch; b++)
            {
                bsum += dy[o * batch + b];
            }

            db[o] = (float)bsum;
            for (int i = 0; i < inputs; i++)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                {
                    sum += (double)dy[o * batch + b] * x[i * batch + b];
                }

                dW[o * inputs + i] = (float)sum;
            }
        }

        if (dx is null)
        {
            return;
        }

        for (int i = 0; i < inputs; i++)
        {
            for (int b = 0; b < batch; b++)
            {
                double sum = 0;
                for (int o = 0; o < outputs; o++)
                {
                    sum += (double)w[o * inputs + i] * dy[o * batch + b];
                }

                dx[i * batch + b] = (float)sum;
            }
        }
    }

    /// <summary>act(v) in float64.</summary>
    internal static double Activate(Activation act, double v) => act switch
    {
        Activation.Relu => v > 0 ? v : 0,
        Activation.Tanh => Math.Tanh(v),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
        _ => v,
    };

    /// <summary>Mean-over-batch softmax cross-entropy on [classes, batch] logits, in float64: (loss sum, correct, gradient of the mean).</summary>
    internal static (double LossSum, int Correct, double[] Grad) SoftmaxCrossEntropy(double[] logits, int[] labels, int classes, int batch)
    {
        var grad = new double[classes * batch];
        double lossSum = 0;
        int correct = 0;
        for (int b = 0; b < batch; b++)
        {
            double max = double.NegativeInfinity;
            int argmax = 0;
            for (int c = 0; c < classes; c++)
            {
                if (logits[c * batch + b] > max)
                {
                    max = logits[c * batch + b];
                    argmax = c;
                }
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(logits[c * batch + b] - max);
            }

            lossSum += Math.Log(sum) + max - logits[labels[b] * batch + b];
            correct += argmax == labels[b] ? 1 : 0;
            for (int c = 0; c < classes; c++)
            {
                grad[c * batch + b] = (Math.Exp(logits[c * batch + b] - max) / sum - (c == labels[b] ? 1 : 0)) / batch;
            }
        }

        return (lossSum, correct, grad);
    }
}
