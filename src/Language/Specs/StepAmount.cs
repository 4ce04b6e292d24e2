using System;

namespace SparseDsl.Language;

/// <summary>A point in training given as a step count (<c>200</c>) or a fraction of all steps (<c>5%</c>).</summary>
public readonly record struct StepAmount(double Value, bool IsFraction)
{
    public static StepAmount Zero => new(0, false);

    public static StepAmount Steps(int steps) => new(steps, false);

    public static StepAmount Fraction(double fraction) => new(fraction, true);

    /// <summary>The step this amount denotes in a run of <paramref name="totalSteps"/> steps.</summary>
    public int Resolve(int totalSteps) => IsFraction ? (int)Math.Round(Value * totalSteps) : (int)Value;

    public override string ToString() => IsFraction
        ? (Value * 100).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "%"
        : Value.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
