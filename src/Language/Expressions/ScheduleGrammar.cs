namespace SparseDsl.Language;

/// <summary>
/// <c>schedule = "static" | "gmp" option* | ("set" | "rigl" | "smet") option*</c> with per-kind defaults
/// from SCIENCE.md §3 (docs/language.md lists them); smet also takes <c>warmup=</c> and <c>density-lr=</c>.
/// </summary>
internal static class ScheduleGrammar
{
    private const string Expected = "a schedule: static, gmp, set, rigl or smet";

    /// <summary>The defaults of each kind before any option applies.</summary>
    public static SparsityScheduleSpec Defaults(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Gmp => new SparsityScheduleSpec(ScheduleKind.Gmp, Every: 100, Start: StepAmount.Fraction(0.1), End: StepAmount.Fraction(0.8)),
        ScheduleKind.Set => new SparsityScheduleSpec(ScheduleKind.Set, Every: 100, Drop: 0.3, Decay: DropDecay.Constant, End: StepAmount.Fraction(1), Regrowth: RegrowthKind.Random),
        ScheduleKind.Rigl => new SparsityScheduleSpec(ScheduleKind.Rigl, Every: 100, Drop: 0.3, Decay: DropDecay.Cosine, End: StepAmount.Fraction(0.75), Regrowth: RegrowthKind.Gradient),
        ScheduleKind.Smet => new SparsityScheduleSpec(ScheduleKind.Smet, Every: 100, Drop: 0.2, Decay: DropDecay.Cosine, DropFloor: 0.005, End: StepAmount.Fraction(1), Regrowth: RegrowthKind.Random),
        _ => SparsityScheduleSpec.Static,
    };

    public static SparsityScheduleSpec Parse(TokenCursor cursor)
    {
        Token kindToken = cursor.Next(Expected);
        ScheduleKind kind = kindToken.Kind != TokenKind.Word ? throw cursor.Unexpected(kindToken, Expected) : kindToken.Text switch
        {
            "static" => ScheduleKind.Static,
            "gmp" => ScheduleKind.Gmp,
            "set" => ScheduleKind.Set,
            "rigl" => ScheduleKind.Rigl,
            "smet" => ScheduleKind.Smet,
            _ => throw cursor.Unexpected(kindToken, Expected),
        };

        SparsityScheduleSpec spec = Defaults(kind);
        if (kind == ScheduleKind.Static)
        {
            cursor.ExpectEnd("end of input (static takes no options)");
            return spec;
        }

        var options = new OptionList();
        bool hasFinal = false;
        options.Value("every", c => spec = spec with { Every = c.Integer("an update interval in steps such as 100") });
        if (kind == ScheduleKind.Gmp)
        {
            options
                .Value("from", c => spec = spec with { InitialSparsity = c.Number("the initial sparsity such as 0") })
                .Value("to", c =>
                {
                    spec = spec with { FinalSparsity = c.Number("the final sparsity such as 0.9") };
                    hasFinal = true;
                })
                .Value("start", c => spec = spec with { Start = c.StepAmount() })
                .Value("end", c => spec = spec with { End = c.StepAmount() });
        }
        else
        {
            options
                .Value("drop", c => spec = spec with { Drop = c.Number("a drop fraction such as 0.3") })
                .Flag("constant", "decay", () => spec = spec with { Decay = DropDecay.Constant })
                .Flag("cosine", "decay", () => spec = spec with { Decay = DropDecay.Cosine })
                .Value("floor", c => spec = spec with { DropFloor = c.Number("the lowest drop fraction such as 0.005") })
                .Value("start", c => spec = spec with { Start = c.StepAmount() })
                .Value("until", c => spec = spec with { End = c.StepAmount() })
                .Value("grow", c => spec = spec with { Regrowth = Growth(c) });
        }

        if (kind == ScheduleKind.Smet)
        {
            // SMET's whole method in one place: the optimizer's moment-warmup= and density-lr=, as SMET's options.
            options
                .Value("warmup", c => spec = spec with { MomentWarmupSteps = c.Integer("a whole number of first-moment warm-up steps such as 100") })
                .Value("density-lr", c => spec = spec with { DensityLrExponent = c.Number("a density exponent such as 1 or 0.5") });
        }

        options.ReadAll(cursor, kindToken.Text);
        if (kind == ScheduleKind.Gmp && !hasFinal)
        {
            throw cursor.AtEndOfInput("to=<final sparsity> (gmp needs its final sparsity, e.g. gmp from=0 to=0.9)");
        }

        return spec;
    }

    private static RegrowthKind Growth(TokenCursor cursor)
    {
        const string expected = "random, gradient or momentum";
        Token token = cursor.Next(expected);
        return token.Kind != TokenKind.Word ? throw cursor.Unexpected(token, expected) : token.Text switch
        {
            "random" => RegrowthKind.Random,
            "gradient" => RegrowthKind.Gradient,
            "momentum" => RegrowthKind.Momentum,
            _ => throw cursor.Unexpected(token, expected),
        };
    }
}
