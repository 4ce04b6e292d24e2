namespace SparseDsl.Language;

public enum OptimizerKind
{
    Sgd,
    AdamW,
}

/// <summary>The learning-rate shape after warm-up.</summary>
public enum LrDecay
{
    Constant,
    Cosine,
    Linear,
}

/// <summary>
/// A parsed optimizer expression, e.g. <c>adamw lr=1e-3 betas=0.9,0.95 eps=1e-8 wd=1e-4 warmup=5% cosine min=0.1</c>
/// or <c>sgd lr=0.1 momentum=0.9 nesterov wd=5e-4</c>. Unset options carry PyTorch's defaults.
/// </summary>
public sealed record OptimizerSpec(
    OptimizerKind Kind,
    double LearningRate,
    double Momentum = 0,
    bool Nesterov = false,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double WeightDecay = 0,
    StepAmount Warmup = default,
    LrDecay Decay = LrDecay.Constant,
    double MinLrFraction = 0,
    double? DensityLrExponent = null,
    int? MomentWarmupSteps = null)
{
    /// <summary>Default options per kind: sgd lr=0.1; adamw lr=1e-3 wd=0.01 (PyTorch).</summary>
    public static OptimizerSpec Default(OptimizerKind kind) => kind == OptimizerKind.Sgd
        ? new OptimizerSpec(OptimizerKind.Sgd, 0.1)
        : new OptimizerSpec(OptimizerKind.AdamW, 1e-3, WeightDecay: 0.01);
}
