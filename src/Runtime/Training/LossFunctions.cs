using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>The declared loss over a batch of class labels: (summed loss, correct predictions), gradient written.</summary>
internal static class LossFunctions
{
    /// <summary>
    /// Why the labelled-data losses cannot compute <paramref name="loss"/> (one sentence ending in the fix), or null: the
    /// next-token loss belongs to a language model's head, which the device backend does not run yet.
    /// </summary>
    public static string? Unsupported(Loss loss) => loss switch
    {
        Loss.SoftmaxCrossEntropy or Loss.MeanSquaredError => null,
        _ => $"loss {loss} is a language model's, and the device backend runs [Input] + [Dense] networks only; use --backend cpu",
    };

    public static (double LossSum, int Correct) Compute(Loss loss, float[] output, int[] labels, int classes, int batch, float[] gradient)
    {
        switch (loss)
        {
            case Loss.SoftmaxCrossEntropy:
                return SoftmaxCrossEntropy.Compute(output, labels, classes, batch, gradient);
            case Loss.MeanSquaredError:
                // Classification data: regress onto one-hot targets; a prediction counts when its largest output is the label.
                var target = new float[classes * batch];
                for (int b = 0; b < batch; b++)
                {
                    target[labels[b] * batch + b] = 1f;
                }

                double sum = MeanSquaredError.Compute(output, target, classes * batch, batch, gradient);
                return (sum, CountCorrect(output, labels, classes, batch));
            default:
                throw new NotSupportedException(Unsupported(loss));
        }
    }

    private static int CountCorrect(float[] output, int[] labels, int classes, int batch)
    {
        int correct = 0;
        for (int b = 0; b < batch; b++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (output[c * batch + b] > output[best * batch + b])
                {
                    best = c;
                }
            }

            correct += best == labels[b] ? 1 : 0;
        }

        return correct;
    }
}
