using System.Collections.Immutable;

namespace SparseDsl.ScalingLaws;

/// <summary>The three laws SparseDsl fits (formulas in docs/scaling-laws.md and SCIENCE.md §1–2).</summary>
public enum ScalingLawKind
{
    /// <summary>L = E + A/N^α + B/D^β.</summary>
    Chinchilla,

    /// <summary>Muennighoff et al.: effective N′, D′ with constant decay R_N*, R_D*.</summary>
    DataConstrained,

    /// <summary>The seed paper's law: f(d), R_N*(d), R_D*(d) on active parameters.</summary>
    SparseDataConstrained,
}

/// <summary>
/// A parametric law L̂(θ; N, D, U, d). Parameters are held as a flat array in the order of
/// <see cref="Parameters"/>; every law is evaluated in log space (log L̂ as a logsumexp of its terms).
/// </summary>
public abstract class ScalingLaw
{
    private protected ScalingLaw()
    {
    }

    public abstract ScalingLawKind Kind { get; }

    /// <summary>The command-line name: chinchilla, data-constrained, sparse-data-constrained.</summary>
    public abstract string Name { get; }

    /// <summary>The formula, one line, for reports.</summary>
    public abstract string Formula { get; }

    public abstract ImmutableArray<LawParameter> Parameters { get; }

    /// <summary>Parameter pairs that may be tied (β to α); empty when the law has none.</summary>
    public virtual (string Follower, string Leader)? TiePair => null;

    /// <summary>Whether β is tied to α unless the caller says otherwise.</summary>
    public virtual bool TiesByDefault => false;

    /// <summary>The fitting stages of the seed recipe for this law (each freezes the earlier ones).</summary>
    public abstract ImmutableArray<FitStage> Stages { get; }

    /// <summary>The published constants (SCIENCE.md), used as defaults and as the first start of every fit.</summary>
    public ScalingParameters Published => new(this, Parameters.Select(p => p.Published).ToArray());

    public int IndexOf(string name)
    {
        for (int i = 0; i < Parameters.Length; i++)
        {
            if (string.Equals(Parameters[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// log L̂ at <paramref name="x"/>. <paramref name="violation"/> is &gt; 0 where the parameters leave the
    /// region in which the law is defined (f(d) ≤ 0, R* ≤ 0); the fitter penalizes it.
    /// </summary>
    public abstract double LogLoss(ReadOnlySpan<double> p, in LawPoint x, out double violation);

    /// <summary>L̂ at <paramref name="x"/>.</summary>
    public double Loss(ReadOnlySpan<double> p, in LawPoint x) => Math.Exp(LogLoss(p, x, out _));

    /// <summary>L̂ for one observation.</summary>
    public double Loss(ScalingParameters p, ScalingObservation o) => Loss(p.Values.AsSpan(), LawPoint.From(o));

    /// <summary>L̂ at N active parameters, D tokens, U unique tokens, density d.</summary>
    public double Loss(ScalingParameters p, double activeParams, double tokens, double uniqueTokens, double density = 1.0) =>
        Loss(p.Values.AsSpan(), new LawPoint(activeParams, tokens, Math.Min(uniqueTokens, tokens), density));

    public static ScalingLaw Create(ScalingLawKind kind) => kind switch
    {
        ScalingLawKind.Chinchilla => ChinchillaLaw.Instance,
        ScalingLawKind.DataConstrained => DataConstrainedLaw.Instance,
        ScalingLawKind.SparseDataConstrained => SparseDataConstrainedLaw.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>chinchilla | data-constrained | sparse-data-constrained.</summary>
    public static ScalingLaw Parse(string name)
    {
        foreach (ScalingLawKind kind in Enum.GetValues<ScalingLawKind>())
        {
            ScalingLaw law = Create(kind);
            if (string.Equals(law.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return law;
            }
        }

        throw new ScalingLawException(
            $"--law: unknown law '{name}'; use chinchilla, data-constrained or sparse-data-constrained.");
    }

    public override string ToString() => Name;

    /// <summary>
    /// The shared core of the data-constrained forms, in log space:
    /// U_N = min(N, N_opt(U)), N′ = U_N·(1 + R_N*·(1 − e^(−R_N/R_N*))), D′ = U·(1 + R_D*·(1 − e^(−R_D/R_D*))),
    /// log L = logsumexp(a − α·log N′ + log f, b − β·log D′, e), with
    /// log G = (log(α·A·f) − log(β·B))/(α+β) and N_opt(U) = G·(G·U)^(β/α).
    /// </summary>
    internal static double DataConstrainedLogLoss(
        double a, double b, double e, double alpha, double beta, double logF,
        double rnStar, double rdStar, in LawPoint x)
    {
        double logN = Math.Log(x.ActiveParams);
        double logU = Math.Log(x.UniqueTokens);
        double logD = Math.Log(x.Tokens);

        double logG = (Math.Log(alpha) + a + logF - Math.Log(beta) - b) / (alpha + beta);
        double logNOpt = logG + beta / alpha * (logG + logU);
        double logUN = Math.Min(logN, logNOpt);
        double rN = Math.Max(Math.Exp(logN - logUN) - 1.0, 0.0);
        double logNEff = logUN + LawMath.Log1P(LawMath.DecayedRepetitions(rN, rnStar));

        double rD = Math.Max(Math.Exp(logD - logU) - 1.0, 0.0);
        double logDEff = logU + LawMath.Log1P(LawMath.DecayedRepetitions(rD, rdStar));

        return LawMath.LogSumExp(a - alpha * logNEff + logF, b - beta * logDEff, e);
    }
}
