using System.Collections.Immutable;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// Data-constrained scaling (Muennighoff et al., 2023): Chinchilla on effective parameters and data,
/// N′ = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)), D′ = U + U·R_D*·(1 − e^(−R_D/R_D*)).
/// Published (182 C4 runs): a=6.255414, b=7.3049974, e=0.6254804, α=β=0.3526596, R_D*=15.387756, R_N*=5.309743.
/// </summary>
public sealed class DataConstrainedLaw : ScalingLaw
{
    private static readonly double[] LogScaleGrid = [0, 5, 10, 15, 20];
    private static readonly double[] OffsetGrid = [-1, 0, 1];
    private static readonly double[] ExponentGrid = [0.1, 0.3, 0.5, 1.0];
    private static readonly double[] DecayGrid = [1, 5, 15, 50];

    public static readonly DataConstrainedLaw Instance = new();

    private DataConstrainedLaw()
    {
        Parameters =
        [
            new("a", "log A, the parameter term's scale", 6.255414, ParameterTransform.None, LogScaleGrid),
            new("b", "log B, the data term's scale", 7.3049974, ParameterTransform.None, LogScaleGrid),
            new("e", "log E, the irreducible loss", 0.6254804, ParameterTransform.None, OffsetGrid),
            new("alpha", "α, the parameter exponent", 0.3526596, ParameterTransform.Log, ExponentGrid),
            new("beta", "β, the data exponent", 0.3526596, ParameterTransform.Log, ExponentGrid),
            new("rd_star", "R_D*, repetitions of data at which their value has decayed by 1/e", 15.387756, ParameterTransform.Log, DecayGrid),
            new("rn_star", "R_N*, excess parameters (in units of U_N) at which their value has decayed by 1/e", 5.309743, ParameterTransform.Log, DecayGrid),
        ];
        Stages =
        [
            FitStage.Create("1-epoch", x => x.IsSingleEpoch, ["a", "b", "e", "alpha", "beta"],
                ("rd_star", double.PositiveInfinity), ("rn_star", double.PositiveInfinity)),
            FitStage.Create("multi-epoch", _ => true, ["rd_star", "rn_star"]),
        ];
    }

    public override ScalingLawKind Kind => ScalingLawKind.DataConstrained;

    public override string Name => "data-constrained";

    public override string Formula => "L = E + A/N′^α + B/D′^β, N′ = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)), D′ = U + U·R_D*·(1 − e^(−R_D/R_D*))";

    public override ImmutableArray<LawParameter> Parameters { get; }

    public override (string Follower, string Leader)? TiePair => ("beta", "alpha");

    public override bool TiesByDefault => true;

    public override ImmutableArray<FitStage> Stages { get; }

    public override double LogLoss(ReadOnlySpan<double> p, in LawPoint x, out double violation)
    {
        violation = 0.0;
        return DataConstrainedLogLoss(p[0], p[1], p[2], p[3], p[4], 0.0, p[6], p[5], x);
    }
}
