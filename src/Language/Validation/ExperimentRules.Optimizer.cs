using System.Collections.Generic;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

public static partial class ExperimentRules
{
    private const string OptimizerAttribute = "Optimizer";

    private static void Optimizer(ExperimentSpec experiment, int steps, ViolationTarget type, List<Violation> found)
    {
        string text = experiment.OptimizerText;
        ViolationTarget argument = type with { Attribute = OptimizerAttribute, ArgumentIndex = 0 };
        ParseResult<OptimizerSpec> parsed = Expressions.ParseOptimizer(text);
        if (!parsed.Success)
        {
            ParseError error = parsed.Error!;
            found.Add(new Violation(OptimizerDoesNotParse, $"Optimizer \"{text}\": {error.Message}", argument.At(error.Column, error.Length)));
            return;
        }

        OptimizerSpec spec = parsed.Value!;
        void Bad(string key, string message) => found.Add(new Violation(OptimizerValueOutOfRange, message, Option(argument, text, key)));

        if (!(spec.LearningRate > 0))
        {
            Bad("lr", $"Learning rate lr={Show(spec.LearningRate)} must be above 0; use e.g. lr=1e-3");
        }

        if (!(spec.Momentum >= 0 && spec.Momentum < 1))
        {
            Bad("momentum", $"Momentum momentum={Show(spec.Momentum)} must be in [0, 1); use e.g. momentum=0.9");
        }

        if (!(spec.Beta1 >= 0 && spec.Beta1 < 1) || !(spec.Beta2 >= 0 && spec.Beta2 < 1))
        {
            Bad("betas", $"Betas betas={Show(spec.Beta1)},{Show(spec.Beta2)} must both be in [0, 1); use e.g. betas=0.9,0.999");
        }

        if (!(spec.Epsilon > 0))
        {
            Bad("eps", $"Epsilon eps={Show(spec.Epsilon)} must be above 0; use e.g. eps=1e-8");
        }

        if (!(spec.WeightDecay >= 0))
        {
            Bad("wd", $"Weight decay wd={Show(spec.WeightDecay)} must not be negative; use e.g. wd=1e-4 or wd=0");
        }

        if (!(spec.MinLrFraction >= 0 && spec.MinLrFraction <= 1))
        {
            Bad("min", $"Final learning-rate fraction min={Show(spec.MinLrFraction)} must be in [0, 1]; use e.g. min=0.1");
        }

        int warmup = spec.Warmup.Resolve(steps);
        if (spec.Warmup.Value < 0 || warmup >= steps)
        {
            Bad("warmup", $"Warm-up warmup={spec.Warmup} ({Show(warmup)} steps) must be shorter than the {Show(steps)} training steps; use e.g. warmup=5%");
        }

        Smet(spec, text, argument, found);
    }

    private static void Smet(OptimizerSpec spec, string text, ViolationTarget argument, List<Violation> found)
    {
        if (spec.Kind == OptimizerKind.Sgd)
        {
            foreach ((string key, string what) in new[]
            {
                ("density-lr", "is part of SMET's AdamW recipe and"),
                ("moment-warmup", "warms up Adam's moments, which sgd does not keep, and"),
            })
            {
                if (FindOption(text, key) >= 0)
                {
                    found.Add(new Violation(
                        SmetOptionInvalid,
                        $"SMET option '{key}' {what} needs adamw; remove it or use adamw",
                        Option(argument, text, key)));
                }
            }

            return;
        }

        if (spec.DensityLrExponent is double exponent && !(exponent >= 0 && exponent <= 1))
        {
            found.Add(new Violation(
                SmetOptionInvalid,
                $"Density exponent density-lr={Show(exponent)} must be in [0, 1] (lr = lr0 / d^exponent); use density-lr=1 or density-lr=0.5",
                Option(argument, text, "density-lr")));
        }

        // The optimizer scales m by min(age / W, 1), so W = 0 is refused at run time as well.
        if (spec.MomentWarmupSteps is int moment && moment < 1)
        {
            found.Add(new Violation(
                SmetOptionInvalid,
                $"Moment warm-up moment-warmup={Show(moment)} must be at least 1 step (it must not be negative or 0); use e.g. moment-warmup=100, or leave it out",
                Option(argument, text, "moment-warmup")));
        }
    }
}
