using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace SparseDsl.ScalingLaws;

public static partial class ScalingLawFitter
{
    /// <summary>
    /// Directions in the free constants along which predictions barely move: eigenvectors of JᵀJ (J = ∂log L̂/∂θ in
    /// the optimizer's coordinates) for which one unit of movement raises the objective by less than
    /// <see cref="FitOptions.FlatTolerance"/>.
    /// </summary>
    private static IReadOnlyList<FlatDirection> FlatDirections(
        Problem problem, double[] values, LawPoint[] points, double[] logLoss, FitOptions options)
    {
        int[] free = problem.AllFree;
        if (free.Length == 0 || points.Length == 0)
        {
            return [];
        }

        ScalingLaw law = problem.Law;
        double[] z = free.Select(i => problem.ToInternal(i, values[i])).ToArray();
        var jac = Matrix<double>.Build.Dense(points.Length, free.Length);
        double[] scratch = new double[values.Length];
        double[] probe = new double[free.Length];
        for (int j = 0; j < free.Length; j++)
        {
            double h = 1e-5 * Math.Max(1.0, Math.Abs(z[j]));
            z.CopyTo(probe, 0);
            probe[j] = z[j] + h;
            problem.Expand(values, free, probe, scratch);
            double[] plus = points.Select(p => law.LogLoss(scratch, p, out _)).ToArray();
            probe[j] = z[j] - h;
            problem.Expand(values, free, probe, scratch);
            for (int i = 0; i < points.Length; i++)
            {
                jac[i, j] = (plus[i] - law.LogLoss(scratch, points[i], out _)) / (2.0 * h);
            }
        }

        Matrix<double> normal = jac.TransposeThisAndMultiply(jac);
        if (!normal.Enumerate().All(double.IsFinite))
        {
            return [];
        }

        Evd<double> evd = normal.Evd(Symmetricity.Symmetric);
        double f0 = Objective(law, values, points, logLoss, problem.HuberDelta);
        var flats = new List<FlatDirection>();
        for (int k = 0; k < free.Length; k++)
        {
            Vector<double> v = evd.EigenVectors.Column(k);
            double fPlus = ObjectiveAlong(problem, values, free, z, v, 1.0, points, logLoss);
            double fMinus = ObjectiveAlong(problem, values, free, z, v, -1.0, points, logLoss);
            double increase = (Math.Min(fPlus, fMinus) - f0) / Math.Max(f0, 1e-300);
            if (!(increase < options.FlatTolerance))
            {
                continue;
            }

            int sign = v.AbsoluteMaximum() == v.Maximum() ? 1 : -1;
            var components = new Dictionary<string, double>(StringComparer.Ordinal);
            var terms = new List<string>();
            for (int j = 0; j < free.Length; j++)
            {
                double c = sign * v[j];
                components[law.Parameters[free[j]].Name] = c;
                if (Math.Abs(c) >= 0.1)
                {
                    terms.Add(string.Create(CultureInfo.InvariantCulture, $"{(c < 0 ? "−" : "+")}{Math.Abs(c):0.00}·{problem.CoordinateName(free[j])}"));
                }
            }

            string effect = increase >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"raises the objective by {increase * 100:0.##}%")
                : string.Create(CultureInfo.InvariantCulture, $"lowers the objective by {-increase * 100:0.##}% (a staged fit is not a joint minimum; try --joint)");
            string description = $"{string.Join(" ", terms)}: one unit along it {effect}";
            flats.Add(new FlatDirection(components, increase, description));
        }

        return flats;
    }

    private static double ObjectiveAlong(
        Problem problem, double[] values, int[] free, double[] z, Vector<double> v, double t, LawPoint[] points, double[] logLoss)
    {
        double[] moved = new double[free.Length];
        for (int j = 0; j < free.Length; j++)
        {
            moved[j] = z[j] + t * v[j];
        }

        double[] scratch = new double[values.Length];
        problem.Expand(values, free, moved, scratch);
        return Objective(problem.Law, scratch, points, logLoss, problem.HuberDelta);
    }

    /// <summary>Resamples the fitted runs with replacement and refits (warm-started from the full fit), in parallel.</summary>
    private static IReadOnlyList<ScalingParameters> Bootstrap(
        Problem problem, LawPoint[] points, double[] logLoss, int[] trainIndex, double[] fitted, FitOptions options, List<string> notes)
    {
        var samples = new ScalingParameters?[options.Bootstrap];
        var quiet = options with { MaxDegreeOfParallelism = 1 };
        Parallel.For(
            0,
            options.Bootstrap,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) },
            b =>
            {
                var rng = new Random(unchecked((options.Seed * 1_000_003) + b));
                int[] pick = new int[trainIndex.Length];
                for (int i = 0; i < pick.Length; i++)
                {
                    pick[i] = trainIndex[rng.Next(trainIndex.Length)];
                }

                try
                {
                    (double[] values, _) = FitStages(problem, Subset(points, pick), Subset(logLoss, pick), fitted, 0, quiet, null);
                    samples[b] = new ScalingParameters(problem.Law, values);
                }
                catch (ScalingLawException)
                {
                    samples[b] = null;
                }
            });

        int failed = samples.Count(s => s is null);
        if (failed > 0)
        {
            notes.Add($"{failed} of {options.Bootstrap} bootstrap resamples could not be fitted (too few runs in a stage) and were dropped");
        }

        return samples.Where(s => s is not null).Select(s => s!).ToArray();
    }

    private static IReadOnlyList<ParameterInterval> Intervals(Problem problem, IReadOnlyList<ScalingParameters> samples, double level)
    {
        var intervals = new List<ParameterInterval>();
        if (samples.Count == 0)
        {
            return intervals;
        }

        double tail = (1.0 - level) / 2.0;
        foreach (int i in problem.AllFree)
        {
            double[] sorted = samples.Select(s => s[i]).OrderBy(v => v).ToArray();
            intervals.Add(new ParameterInterval(problem.Law.Parameters[i].Name, FitResult.Quantile(sorted, tail), FitResult.Quantile(sorted, 1.0 - tail)));
        }

        if (problem.Tied && problem.AllFree.Contains(problem.Leader))
        {
            ParameterInterval lead = intervals.First(iv => iv.Name == problem.Law.Parameters[problem.Leader].Name);
            intervals.Add(lead with { Name = problem.Law.Parameters[problem.Follower].Name });
        }

        return intervals;
    }
}
