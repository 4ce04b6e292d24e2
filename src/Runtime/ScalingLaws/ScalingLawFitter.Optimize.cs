using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace SparseDsl.ScalingLaws;

public static partial class ScalingLawFitter
{
    /// <summary>Weight of the squared domain violation (f(d) ≤ 0, R* ≤ 0) added to the scaled objective.</summary>
    private const double PenaltyWeight = 1e3;

    /// <summary>Runs the stages in order; each frees its constants and keeps the earlier stages' values.</summary>
    private static (double[] Values, List<StageResult> Stages) FitStages(
        Problem problem, LawPoint[] points, double[] logLoss, double[] start, int maxStarts, FitOptions options, List<string>? notes)
    {
        ScalingLaw law = problem.Law;
        double[] values = (double[])start.Clone();
        IReadOnlyList<FitStage> stages = options.Staged
            ? law.Stages
            : [FitStage.Create("joint", _ => true, law.Parameters.Select(p => p.Name).ToArray())];

        var results = new List<StageResult>();
        var pending = new List<int>();
        for (int s = 0; s < stages.Count; s++)
        {
            FitStage stage = stages[s];
            bool last = s == stages.Count - 1;
            var freeSet = new HashSet<int>(pending);
            foreach (string name in stage.Free)
            {
                freeSet.Add(law.IndexOf(name));
            }

            int[] free = problem.AllFree.Where(freeSet.Contains).ToArray();
            int[] include = Enumerable.Range(0, points.Length).Where(i => stage.Includes(points[i])).ToArray();
            if (free.Length == 0)
            {
                results.Add(new StageResult(stage.Name, include.Length, [], double.NaN, 0, "nothing to fit: every constant of this stage is frozen"));
                continue;
            }

            string[] freeNames = free.Select(i => law.Parameters[i].Name).ToArray();
            if (include.Length < free.Length + 1)
            {
                if (last)
                {
                    throw new ScalingLawException(
                        $"stage '{stage.Name}' has {include.Length} runs for {free.Length} constants ({string.Join(", ", freeNames)}); give more runs or --freeze some of them.");
                }

                pending = [.. free];
                string note = $"stage '{stage.Name}' has {include.Length} runs for {free.Length} constants; they are fitted with the next stage";
                results.Add(new StageResult(stage.Name, include.Length, freeNames, double.NaN, 0, note));
                notes?.Add(note);
                continue;
            }

            pending.Clear();
            double[] baseValues = (double[])values.Clone();
            foreach ((string name, double value) in stage.Hold)
            {
                int i = law.IndexOf(name);
                if (!problem.Frozen.ContainsKey(i) && !freeSet.Contains(i))
                {
                    baseValues[i] = value;
                }
            }

            problem.ApplyTie(baseValues);
            LawPoint[] stagePoints = Subset(points, include);
            double[] stageLoss = Subset(logLoss, include);
            (double[] best, int starts) = MultiStart(problem, baseValues, free, stagePoints, stageLoss, maxStarts, options);
            foreach (int i in free)
            {
                values[i] = best[i];
            }

            problem.ApplyTie(values);
            double objective = Objective(law, best, stagePoints, stageLoss, problem.HuberDelta);
            results.Add(new StageResult(stage.Name, include.Length, freeNames, objective, starts, null));
        }

        return (values, results);
    }

    /// <summary>L-BFGS from the current values and from up to <paramref name="maxStarts"/> grid points; the best is kept.</summary>
    private static (double[] Best, int Starts) MultiStart(
        Problem problem, double[] baseValues, int[] free, LawPoint[] points, double[] logLoss, int maxStarts, FitOptions options)
    {
        var starts = new List<double[]>();
        double[] current = free.Select(i => problem.ToInternal(i, baseValues[i])).ToArray();
        if (current.All(double.IsFinite))
        {
            starts.Add(current);
        }

        starts.AddRange(GridStarts(problem, free, maxStarts, options.Seed));
        if (starts.Count == 0)
        {
            starts.Add(free.Select(i => problem.ToInternal(i, problem.Law.Parameters[i].Published)).ToArray());
        }

        var found = new (double F, double[] Z)[starts.Count];
        Parallel.For(
            0,
            starts.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) },
            k => found[k] = Minimize(problem, baseValues, free, points, logLoss, starts[k], options.MaxIterations));

        int bestK = 0;
        for (int k = 1; k < found.Length; k++)
        {
            if (found[k].F < found[bestK].F)
            {
                bestK = k;
            }
        }

        double[] best = new double[baseValues.Length];
        problem.Expand(baseValues, free, found[bestK].Z, best);
        return (best, starts.Count);
    }

    private static IEnumerable<double[]> GridStarts(Problem problem, int[] free, int maxStarts, int seed)
    {
        if (maxStarts <= 0)
        {
            yield break;
        }

        IReadOnlyList<double>[] grids = free.Select(i => problem.Law.Parameters[i].StartGrid).ToArray();
        double total = grids.Aggregate(1.0, (acc, g) => acc * g.Count);
        if (total <= maxStarts)
        {
            int count = (int)total;
            for (int k = 0; k < count; k++)
            {
                int rest = k;
                double[] z = new double[free.Length];
                for (int j = 0; j < free.Length; j++)
                {
                    z[j] = problem.ToInternal(free[j], grids[j][rest % grids[j].Count]);
                    rest /= grids[j].Count;
                }

                yield return z;
            }

            yield break;
        }

        var rng = new Random(seed);
        for (int k = 0; k < maxStarts; k++)
        {
            double[] z = new double[free.Length];
            for (int j = 0; j < free.Length; j++)
            {
                z[j] = problem.ToInternal(free[j], grids[j][rng.Next(grids[j].Count)]);
            }

            yield return z;
        }
    }

    /// <summary>
    /// One L-BFGS run (MathNet.Numerics) on the scaled objective Σ Huber_δ/δ + penalty, gradient by central
    /// differences. The best point evaluated is kept even when the line search gives up.
    /// </summary>
    private static (double F, double[] Z) Minimize(
        Problem problem, double[] baseValues, int[] free, LawPoint[] points, double[] logLoss, double[] z0, int maxIterations)
    {
        double bestF = double.PositiveInfinity;
        double[] bestZ = (double[])z0.Clone();
        double[] scratch = new double[baseValues.Length];
        double[] probe = new double[free.Length];

        double Value(ReadOnlySpan<double> z)
        {
            problem.Expand(baseValues, free, z, scratch);
            double f = ScaledObjective(problem, scratch, points, logLoss);
            if (f < bestF)
            {
                bestF = f;
                z.CopyTo(bestZ);
            }

            return f;
        }

        (double, Vector<double>) ValueAndGradient(Vector<double> zv)
        {
            double[] z = zv.AsArray() ?? zv.ToArray();
            double f = Value(z);
            var g = Vector<double>.Build.Dense(free.Length);
            for (int j = 0; j < free.Length; j++)
            {
                double h = 1e-6 * Math.Max(1.0, Math.Abs(z[j]));
                z.CopyTo(probe, 0);
                probe[j] = z[j] + h;
                double fp = Value(probe);
                probe[j] = z[j] - h;
                double fm = Value(probe);
                double gj = (fp - fm) / (2.0 * h);
                g[j] = double.IsFinite(gj) ? gj : 0.0;
            }

            return (f, g);
        }

        try
        {
            var minimizer = new LimitedMemoryBfgsMinimizer(1e-8, 1e-12, 1e-12, 7, maxIterations);
            minimizer.FindMinimum(ObjectiveFunction.Gradient(ValueAndGradient), Vector<double>.Build.DenseOfArray((double[])z0.Clone()));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Line-search failures and iteration limits end a start; its best point is still the answer.
        }

        return (bestF, bestZ);
    }

    /// <summary>Σ Huber_δ(r)/δ + penalty·Σ violation²: the same minimizer as the objective, scaled to O(n·|r|).</summary>
    private static double ScaledObjective(Problem problem, double[] values, LawPoint[] points, double[] logLoss)
    {
        double delta = problem.HuberDelta;
        double sum = 0.0;
        double penalty = 0.0;
        for (int i = 0; i < points.Length; i++)
        {
            double r = problem.Law.LogLoss(values, points[i], out double violation) - logLoss[i];
            sum += LawMath.Huber(r, delta) / delta;
            penalty += violation * violation;
        }

        double f = sum + PenaltyWeight * penalty;
        return double.IsFinite(f) ? f : 1e300;
    }
}
