using System.Collections.Immutable;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// The seed paper's sparse data-constrained law on active parameters N = raw × d, with β = α:
/// f(d) = d^ε + c·(1−d)^μ, R_N*(d) = γ1·(1 + c11·(1−d) − c21·(1−d)²), R_D*(d) = γ2·(1 + c12·(1−d) − c22·(1−d)²),
/// G(d) = (α·A·f(d)/(β·B))^(1/(α+β)), U_N = min(N, G·(G·U)^(β/α)), L = E + A·f(d)/N′^α + B/D′^β.
/// </summary>
public sealed class SparseDataConstrainedLaw : ScalingLaw
{
    /// <summary>f(d) and R*(d) below this count as leaving the law's domain (penalized by the fitter).</summary>
    internal const double DomainFloor = 1e-3;

    private static readonly double[] LogScaleGrid = [0, 5, 10, 15];
    private static readonly double[] OffsetGrid = [-1, 0, 1];
    private static readonly double[] ExponentGrid = [0.1, 0.3, 0.6];
    private static readonly double[] SmallGrid = [-0.1, 0.0, 0.1];
    private static readonly double[] MuGrid = [0.5, 1.0, 2.0];
    private static readonly double[] CGrid = [-0.5, 0.0, 0.5];
    private static readonly double[] GammaGrid = [1, 5, 15, 50];
    private static readonly double[] ShapeGrid = [-1, 0, 1, 2];

    public static readonly SparseDataConstrainedLaw Instance = new();

    private SparseDataConstrainedLaw()
    {
        Parameters =
        [
            new("a", "log A", 5.240737, ParameterTransform.None, LogScaleGrid),
            new("b", "log B", 6.103031, ParameterTransform.None, LogScaleGrid),
            new("e", "log E", 0.853550, ParameterTransform.None, OffsetGrid),
            new("alpha", "α = β, the exponent of both terms", 0.326822, ParameterTransform.Log, ExponentGrid),
            new("epsilon", "ε in f(d) = d^ε + c·(1−d)^μ", -0.0096804, ParameterTransform.None, SmallGrid),
            new("mu", "μ in f(d)", 0.846618, ParameterTransform.Log, MuGrid),
            new("c", "c in f(d)", -0.272889, ParameterTransform.None, CGrid),
            new("gamma1", "γ1 = R_N*(1), the dense parameter decay", 11.087637, ParameterTransform.Log, GammaGrid),
            new("gamma2", "γ2 = R_D*(1), the dense data decay", 4.404749, ParameterTransform.Log, GammaGrid),
            new("c11", "linear sparsity term of R_N*(d)", 1.903956, ParameterTransform.None, ShapeGrid),
            new("c12", "linear sparsity term of R_D*(d)", 1.821381, ParameterTransform.None, ShapeGrid),
            new("c21", "quadratic sparsity term of R_N*(d)", 2.799093, ParameterTransform.None, ShapeGrid),
            new("c22", "quadratic sparsity term of R_D*(d)", 1.365309, ParameterTransform.None, ShapeGrid),
        ];

        (string, double)[] noRepetition =
        [
            ("gamma1", double.PositiveInfinity), ("gamma2", double.PositiveInfinity),
            ("c11", 0.0), ("c12", 0.0), ("c21", 0.0), ("c22", 0.0),
        ];
        Stages =
        [
            FitStage.Create("dense 1-epoch", x => x.IsDense && x.IsSingleEpoch, ["a", "b", "e", "alpha"], noRepetition),
            FitStage.Create("all 1-epoch", x => x.IsSingleEpoch, ["epsilon", "mu", "c"], noRepetition),
            FitStage.Create("dense multi-epoch", x => x.IsDense, ["gamma1", "gamma2"],
                ("c11", 0.0), ("c12", 0.0), ("c21", 0.0), ("c22", 0.0)),
            FitStage.Create("sparse multi-epoch", _ => true, ["c11", "c12", "c21", "c22"]),
        ];
    }

    public override ScalingLawKind Kind => ScalingLawKind.SparseDataConstrained;

    public override string Name => "sparse-data-constrained";

    public override string Formula => "L = E + A·f(d)/N′^α + B/D′^α, f(d) = d^ε + c·(1−d)^μ, R_N*(d) = γ1·(1 + c11·s − c21·s²), R_D*(d) = γ2·(1 + c12·s − c22·s²), s = 1 − d";

    public override ImmutableArray<LawParameter> Parameters { get; }

    public override ImmutableArray<FitStage> Stages { get; }

    /// <summary>f(d) = d^ε + c·(1−d)^μ (f(1) = 1 for μ &gt; 0).</summary>
    public static double F(double density, double epsilon, double mu, double c)
    {
        double s = 1.0 - density;
        return Math.Pow(density, epsilon) + (s > 0.0 ? c * Math.Pow(s, mu) : 0.0);
    }

    /// <summary>γ·(1 + c1·(1−d) − c2·(1−d)²).</summary>
    public static double Decay(double density, double gamma, double c1, double c2)
    {
        double s = 1.0 - density;
        if (s <= 0.0)
        {
            return gamma;
        }

        return gamma * (1.0 + c1 * s - c2 * s * s);
    }

    public override double LogLoss(ReadOnlySpan<double> p, in LawPoint x, out double violation)
    {
        double alpha = p[3];
        double d = x.Density;
        double f = F(d, p[4], p[5], p[6]);
        double rnStar = Decay(d, p[7], p[9], p[11]);
        double rdStar = Decay(d, p[8], p[10], p[12]);

        violation = Math.Max(DomainFloor - f, 0.0)
            + Math.Max(DomainFloor - rnStar, 0.0)
            + Math.Max(DomainFloor - rdStar, 0.0);

        return DataConstrainedLogLoss(
            p[0], p[1], p[2], alpha, alpha, LawMath.GuardedLog(f),
            Math.Max(rnStar, DomainFloor), Math.Max(rdStar, DomainFloor), x);
    }
}
