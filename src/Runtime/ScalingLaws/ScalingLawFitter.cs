using System.Globalization;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// Fits a <see cref="ScalingLaw"/> to runs: Σ Huber_δ(log L̂ − log L) minimized by L-BFGS (MathNet.Numerics)
/// from a grid of starting points, best kept, in the law's stages; then R², residuals, held-out R², flat
/// directions and (optionally) bootstrap intervals.
/// </summary>
public static partial class ScalingLawFitter
{
    /// <summary>Fits <paramref name="law"/> to <paramref name="observations"/>.</summary>
    /// <exception cref="ScalingLawException">Invalid runs, freeze values or holdout, or too few runs.</exception>
    public static FitResult Fit(ScalingLaw law, IReadOnlyList<ScalingObservation> observations, FitOptions? options = null)
    {
        options ??= new FitOptions();
        Validate(observations);

        bool[] heldOut = options.Holdout?.Evaluate(observations) ?? new bool[observations.Count];
        int[] trainIndex = Enumerable.Range(0, observations.Count).Where(i => !heldOut[i]).ToArray();
        if (trainIndex.Length == 0)
        {
            throw new ScalingLawException($"--holdout '{options.Holdout}' holds out every run; nothing is left to fit.");
        }

        LawPoint[] points = observations.Select(LawPoint.From).ToArray();
        double[] logLoss = observations.Select(o => Math.Log(o.Loss)).ToArray();
        Problem problem = Problem.Create(law, options);

        var notes = new List<string>();
        double[] start = problem.InitialValues();
        (double[] values, List<StageResult> stages) = FitStages(
            problem, Subset(points, trainIndex), Subset(logLoss, trainIndex), start, options.MaxStarts, options, notes);

        var parameters = new ScalingParameters(law, values);
        var residuals = new List<FitResidual>(observations.Count);
        for (int i = 0; i < observations.Count; i++)
        {
            double logPred = law.LogLoss(values, points[i], out _);
            residuals.Add(new FitResidual(i, observations[i].Id, observations[i].Loss, Math.Exp(logPred), logPred - logLoss[i], heldOut[i]));
        }

        double objective = Objective(law, values, Subset(points, trainIndex), Subset(logLoss, trainIndex), options.HuberDelta);
        double r2 = RSquared(residuals.Where(r => !r.HeldOut));
        FitResidual[] held = residuals.Where(r => r.HeldOut).ToArray();
        double? holdoutR2 = held.Length >= 2 ? RSquared(held) : null;

        IReadOnlyList<FlatDirection> flats = FlatDirections(problem, values, Subset(points, trainIndex), Subset(logLoss, trainIndex), options);

        IReadOnlyList<ScalingParameters> samples = [];
        IReadOnlyList<ParameterInterval>? intervals = null;
        if (options.Bootstrap > 0)
        {
            samples = Bootstrap(problem, points, logLoss, trainIndex, values, options, notes);
            intervals = Intervals(problem, samples, options.IntervalLevel);
        }

        return new FitResult
        {
            Law = law,
            Parameters = parameters,
            Objective = objective,
            R2 = r2,
            N = trainIndex.Length,
            HoldoutR2 = holdoutR2,
            HoldoutN = held.Length,
            HuberDelta = options.HuberDelta,
            TiedExponents = problem.Tied,
            FreeParameters = problem.AllFree.Select(i => law.Parameters[i].Name).ToArray(),
            Frozen = problem.Frozen.ToDictionary(kv => law.Parameters[kv.Key].Name, kv => kv.Value),
            Residuals = residuals,
            Stages = stages,
            Intervals = intervals,
            BootstrapSamples = samples,
            IntervalLevel = options.IntervalLevel,
            FlatDirections = flats,
            Notes = notes,
        };
    }

    /// <summary>
    /// How many constants a fit of <paramref name="law"/> under <paramref name="options"/> moves: all of them less the
    /// frozen ones and β when it is tied to α. A fit needs at least one more run than this.
    /// </summary>
    /// <exception cref="ScalingLawException">A frozen name the law does not have, or a bad frozen value.</exception>
    public static int FreeParameterCount(ScalingLaw law, FitOptions? options = null) =>
        Problem.Create(law, options ?? new FitOptions()).AllFree.Length;

    /// <summary>Σ Huber_δ(log L̂ − log L) of <paramref name="parameters"/> on <paramref name="observations"/>.</summary>
    public static double Objective(ScalingParameters parameters, IEnumerable<ScalingObservation> observations, double huberDelta = 1e-3)
    {
        ScalingObservation[] runs = observations.ToArray();
        return Objective(
            parameters.Law, parameters.Values, runs.Select(LawPoint.From).ToArray(),
            runs.Select(o => Math.Log(o.Loss)).ToArray(), huberDelta);
    }

    /// <summary>R² of L̂ against L: 1 − Σ(L − L̂)² / Σ(L − mean L)².</summary>
    public static double RSquared(ScalingParameters parameters, IEnumerable<ScalingObservation> observations)
    {
        ScalingObservation[] runs = observations.ToArray();
        return RSquared(runs.Select((o, i) =>
        {
            double predicted = parameters.Law.Loss(parameters, o);
            return new FitResidual(i, o.Id, o.Loss, predicted, Math.Log(predicted) - Math.Log(o.Loss), false);
        }));
    }

    /// <summary>Rejects runs a law cannot use, naming the run and the field.</summary>
    public static void Validate(IReadOnlyList<ScalingObservation> observations)
    {
        if (observations.Count == 0)
        {
            throw new ScalingLawException("no runs to fit; the input holds no rows.");
        }

        for (int i = 0; i < observations.Count; i++)
        {
            ScalingObservation o = observations[i];
            string run = o.Id is null ? $"run {i + 1}" : $"run {i + 1} ({o.Id})";
            Check(run, "params", o.Params);
            Check(run, "tokens", o.Tokens);
            Check(run, "unique_tokens", o.UniqueTokens);
            Check(run, "loss", o.Loss);
            if (o.ActiveParams is { } active)
            {
                Check(run, "active_params", active);
            }

            if (o.Density is { } d && !(d > 0.0 && d <= 1.0))
            {
                throw new ScalingLawException($"{run}: density {Format(d)} is outside (0, 1]; give the kept fraction of weights.");
            }

            if (o.ResolvedDensity is var rd && !(rd > 0.0 && rd <= 1.0 + 1e-9))
            {
                throw new ScalingLawException($"{run}: active_params exceeds params (density {Format(rd)}); active_params must be at most params.");
            }
        }

        static void Check(string run, string field, double value)
        {
            if (!double.IsFinite(value) || value <= 0.0)
            {
                throw new ScalingLawException($"{run}: {field} is {Format(value)}; it must be a positive finite number.");
            }
        }
    }

    internal static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static double Objective(ScalingLaw law, ReadOnlySpan<double> values, LawPoint[] points, double[] logLoss, double delta)
    {
        double sum = 0.0;
        for (int i = 0; i < points.Length; i++)
        {
            sum += LawMath.Huber(law.LogLoss(values, points[i], out _) - logLoss[i], delta);
        }

        return sum;
    }

    private static double RSquared(IEnumerable<FitResidual> residuals)
    {
        FitResidual[] rs = residuals.ToArray();
        if (rs.Length == 0)
        {
            return double.NaN;
        }

        double mean = rs.Average(r => r.Loss);
        double ssTot = rs.Sum(r => (r.Loss - mean) * (r.Loss - mean));
        double ssRes = rs.Sum(r => (r.Loss - r.Predicted) * (r.Loss - r.Predicted));
        return ssTot > 0.0 ? 1.0 - ssRes / ssTot : double.NaN;
    }

    private static T[] Subset<T>(T[] source, int[] index) => index.Select(i => source[i]).ToArray();
}
