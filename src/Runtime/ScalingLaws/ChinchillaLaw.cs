using System.Collections.Immutable;

namespace SparseDsl.ScalingLaws;

/// <summary>Chinchilla (Hoffmann et al.): L = E + A/N^α + B/D^β with A = e^a, B = e^b, E = e^e.</summary>
public sealed class ChinchillaLaw : ScalingLaw
{
    private static readonly double[] LogScaleGrid = [0, 5, 10, 15, 20];
    private static readonly double[] OffsetGrid = [-1, 0, 1];
    private static readonly double[] ExponentGrid = [0.1, 0.3, 0.5, 1.0];

    public static readonly ChinchillaLaw Instance = new();

    private ChinchillaLaw()
    {
        Parameters =
        [
            new("a", "log A, the parameter term's scale", Math.Log(406.4), ParameterTransform.None, LogScaleGrid),
            new("b", "log B, the data term's scale", Math.Log(410.7), ParameterTransform.None, LogScaleGrid),
            new("e", "log E, the irreducible loss", Math.Log(1.69), ParameterTransform.None, OffsetGrid),
            new("alpha", "α, the parameter exponent", 0.34, ParameterTransform.Log, ExponentGrid),
            new("beta", "β, the data exponent", 0.28, ParameterTransform.Log, ExponentGrid),
        ];
        Stages = [FitStage.Create("all runs", _ => true, ["a", "b", "e", "alpha", "beta"])];
    }

    public override ScalingLawKind Kind => ScalingLawKind.Chinchilla;

    public override string Name => "chinchilla";

    public override string Formula => "L = E + A/N^α + B/D^β";

    public override ImmutableArray<LawParameter> Parameters { get; }

    public override (string Follower, string Leader)? TiePair => ("beta", "alpha");

    public override ImmutableArray<FitStage> Stages { get; }

    public override double LogLoss(ReadOnlySpan<double> p, in LawPoint x, out double violation)
    {
        violation = 0.0;
        return LawMath.LogSumExp(
            p[0] - p[3] * Math.Log(x.ActiveParams),
            p[1] - p[4] * Math.Log(x.Tokens),
            p[2]);
    }
}
