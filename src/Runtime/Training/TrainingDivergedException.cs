using System.Globalization;

namespace SparseDsl.Training;

/// <summary>
/// The training loss became NaN or infinite at <see cref="Step"/> (1-based): the run cannot recover, so training stops
/// there. Thrown by the training loop both trainers share; the study runner records the run as diverged.
/// </summary>
public sealed class TrainingDivergedException(int step, double loss)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"loss became {Describe(loss)} at step {step}"))
{
    public int Step { get; } = step;

    /// <summary>The batch-mean loss of that step: NaN or ±infinity.</summary>
    public double Loss { get; } = loss;

    private static string Describe(double loss) => double.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity";
}
