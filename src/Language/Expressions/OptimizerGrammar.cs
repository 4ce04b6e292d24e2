namespace SparseDsl.Language;

/// <summary>
/// <c>optimizer = ("sgd" | "adamw") option*</c>; options in any order, each at most once (docs/language.md).
/// </summary>
internal static class OptimizerGrammar
{
    private const string Expected = "an optimizer: sgd or adamw";

    public static OptimizerSpec Parse(TokenCursor cursor)
    {
        Token kindToken = cursor.Next(Expected);
        OptimizerKind kind = kindToken.Kind == TokenKind.Word && kindToken.Text == "sgd" ? OptimizerKind.Sgd
            : kindToken.Kind == TokenKind.Word && kindToken.Text == "adamw" ? OptimizerKind.AdamW
            : throw cursor.Unexpected(kindToken, Expected);

        OptimizerSpec spec = OptimizerSpec.Default(kind);
        var options = new OptionList();
        options.Value("lr", c => spec = spec with { LearningRate = c.Number("a learning rate such as 1e-3") });
        if (kind == OptimizerKind.Sgd)
        {
            options
                .Value("momentum", c => spec = spec with { Momentum = c.Number("a momentum such as 0.9") })
                .Flag("nesterov", "nesterov", () => spec = spec with { Nesterov = true });
        }
        else
        {
            options
                .Value("betas", c =>
                {
                    double beta1 = c.Number("beta1 such as 0.9 (betas=0.9,0.999)");
                    c.Expect(TokenKind.Comma, "',' then beta2 (betas=0.9,0.999)");
                    double beta2 = c.Number("beta2 such as 0.999 (betas=0.9,0.999)");
                    spec = spec with { Beta1 = beta1, Beta2 = beta2 };
                })
                .Value("eps", c => spec = spec with { Epsilon = c.Number("an epsilon such as 1e-8") });
        }

        options
            .Value("wd", c => spec = spec with { WeightDecay = c.Number("a weight decay such as 1e-4") })
            .Value("warmup", c => spec = spec with { Warmup = c.StepAmount("warm-up steps such as 200 or a percentage such as 5%") })
            .Flag("constant", "decay", () => spec = spec with { Decay = LrDecay.Constant })
            .Flag("cosine", "decay", () => spec = spec with { Decay = LrDecay.Cosine })
            .Flag("linear", "decay", () => spec = spec with { Decay = LrDecay.Linear })
            .Value("min", c => spec = spec with { MinLrFraction = c.Number("the final learning rate as a fraction of lr, such as 0.1") })
            .Value("density-lr", c => spec = spec with { DensityLrExponent = c.Number("a density exponent such as 1 or 0.5") })
            .Value("moment-warmup", c => spec = spec with { MomentWarmupSteps = c.Integer("a whole number of steps such as 100") });

        options.ReadAll(cursor, kindToken.Text);
        return spec;
    }
}
