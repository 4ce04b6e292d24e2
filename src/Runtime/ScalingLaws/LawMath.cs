namespace SparseDsl.ScalingLaws;

/// <summary>Numerically careful scalar helpers shared by the laws and the fitter (plain float64).</summary>
internal static class LawMath
{
    /// <summary>Below this a guarded logarithm extends linearly instead of diverging.</summary>
    public const double LogFloor = 1e-12;

    /// <summary>log(e^x + e^y + e^z) without overflow.</summary>
    public static double LogSumExp(double x, double y, double z)
    {
        double m = Math.Max(x, Math.Max(y, z));
        if (double.IsNegativeInfinity(m))
        {
            return m;
        }

        return m + Math.Log(Math.Exp(x - m) + Math.Exp(y - m) + Math.Exp(z - m));
    }

    /// <summary>e^x − 1, accurate for small |x| (Kahan's trick; double.ExpM1 is exp(x) − 1 on some runtimes).</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        return um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + x), accurate for small |x|.</summary>
    public static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// R*·(1 − e^(−R/R*)): the repetitions that count after decay. R* = +∞ gives R (no decay: every repeated
    /// token is worth a fresh one), R = 0 gives 0.
    /// </summary>
    public static double DecayedRepetitions(double repetitions, double decay)
    {
        if (repetitions <= 0.0)
        {
            return 0.0;
        }

        if (double.IsPositiveInfinity(decay))
        {
            return repetitions;
        }

        return -decay * ExpM1(-repetitions / decay);
    }

    /// <summary>
    /// log x for x above <see cref="LogFloor"/>; below it, the tangent line of log at the floor, so an
    /// optimizer that wanders into x ≤ 0 still sees a finite, steep objective (the fitter adds a penalty there).
    /// </summary>
    public static double GuardedLog(double x)
    {
        if (x > LogFloor)
        {
            return Math.Log(x);
        }

        return Math.Log(LogFloor) + (x - LogFloor) / LogFloor;
    }

    /// <summary>Huber_δ(r): r²/2 inside |r| ≤ δ, δ·(|r| − δ/2) outside.</summary>
    public static double Huber(double r, double delta)
    {
        double a = Math.Abs(r);
        return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
    }
}
