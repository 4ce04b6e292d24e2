using System.Numerics;
using System.Runtime.InteropServices;
using SparseDsl.Language;

namespace SparseDsl.Training;

/// <summary>
/// Adam with decoupled weight decay as <c>torch.optim.AdamW</c> (amsgrad off), per value at step t:
/// <code>
/// θ ← θ·(1 − η·λ)                        (only when Parameter.Decays)
/// m ← β1·m + (1 − β1)·g
/// v ← β2·v + (1 − β2)·g²
/// θ ← θ − η·s · (m / (1 − β1^t)) / (√v / √(1 − β2^t) + ε)
/// </code>
/// With a shared step (default) t is the optimizer's step count and s = 1. With <c>MomentWarmupSteps = W</c>
/// (SMET) each value keeps its own age t_i (incremented every step, reset to 0 by <see cref="Parameter.ResetState"/>
/// or when a topology change grows it; stored saturated where the coefficients stop changing, see <see cref="WeightAges"/>),
/// used for its bias correction, and s = min(t_i / W, 1) scales its first moment in the update (m itself is stored unscaled).
/// </summary>
public sealed partial class AdamW : Optimizer
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _oneMinusBeta1;
    private readonly float _oneMinusBeta2;
    private readonly float _epsilon;
    private readonly BiasCorrectionTable? _table;
    private double _stepSizeFactor;
    private double _inverseSqrtCorrection2;

    public AdamW(OptimizerSpec spec, IEnumerable<Parameter> parameters, int totalSteps)
        : base(Validate(spec), parameters, totalSteps, slotCount: 2, AgeLimit(spec))
    {
        _beta1 = (float)spec.Beta1;
        _beta2 = (float)spec.Beta2;
        _oneMinusBeta1 = (float)(1.0 - spec.Beta1); // in double, as PyTorch: 1f − 0.999f is 4.7e-5 off
        _oneMinusBeta2 = (float)(1.0 - spec.Beta2);
        _epsilon = (float)spec.Epsilon;
        if (spec.MomentWarmupSteps is int warmup)
        {
            _table = new BiasCorrectionTable(spec.Beta1, spec.Beta2, warmup);
        }
    }

    /// <summary>Whether each value keeps its own step count (SMET; on when <c>MomentWarmupSteps</c> is set).</summary>
    public bool PerWeightSteps => _table is not null;

    /// <summary>The first moment m of <paramref name="parameter"/>.</summary>
    public ReadOnlySpan<float> FirstMoment(Parameter parameter) => Member(parameter).Slots[0];

    /// <summary>The second moment v of <paramref name="parameter"/>.</summary>
    public ReadOnlySpan<float> SecondMoment(Parameter parameter) => Member(parameter).Slots[1];

    /// <summary>
    /// The per-value step counts t_i of <paramref name="parameter"/> (a copy; each saturated at
    /// <see cref="WeightAges.Limit"/>); empty with a shared step.
    /// </summary>
    public ReadOnlySpan<int> WeightSteps(Parameter parameter) => Member(parameter).Ages?.ToArray() ?? [];

    /// <summary>
    /// With per-weight steps, the age from which the per-age coefficients no longer change (the table's cap,
    /// <see cref="WeightAges.Limit"/>); null with a shared step.
    /// </summary>
    internal static int? AgeLimit(OptimizerSpec spec) =>
        spec.MomentWarmupSteps is int warmup ? BiasCorrectionTable.Cap(spec.Beta1, spec.Beta2, warmup) : null;

    /// <summary>
    /// The per-age coefficient tables grown to cover <paramref name="age"/> (per-weight steps only), entry t for age t,
    /// older ages use the last entry: the device optimizer uploads them so that both backends use the same floats.
    /// </summary>
    internal (float[] StepScale, float[] InverseSqrtCorrection2) CorrectionTables(int age)
    {
        if (_table is null)
        {
            throw new InvalidOperationException("AdamW has per-age tables only with per-weight steps (moment-warmup=).");
        }

        _table.EnsureCovers(age);
        return (_table.StepScale, _table.InverseSqrtCorrection2);
    }

    private protected override void BeginStep(int stepCount)
    {
        if (_table is not null)
        {
            _table.EnsureCovers(stepCount);
            return;
        }

        _stepSizeFactor = 1.0 / (1.0 - Math.Pow(Spec.Beta1, stepCount));
        _inverseSqrtCorrection2 = 1.0 / Math.Sqrt(1.0 - Math.Pow(Spec.Beta2, stepCount));
    }

    private protected override void Update(Parameter parameter, double lr)
    {
        float[] values = parameter.Values;
        float[] grad = parameter.Grad;
        float[] m = parameter.Slots[0];
        float[] v = parameter.Slots[1];
        float decay = parameter.Decays ? (float)(1.0 - lr * Spec.WeightDecay) : 1f;
        if (parameter.Ages is WeightAges ages)
        {
            var kernel = new PerWeightKernel(values, grad, m, v, ages, _table!, (float)lr, decay, _beta1, _beta2, _oneMinusBeta1, _oneMinusBeta2, _epsilon);
            ForChunks(values.Length, kernel.Run);
            return;
        }

        float stepSize = (float)(lr * _stepSizeFactor);
        float inverseSqrtCorrection2 = (float)_inverseSqrtCorrection2;
        float beta1 = _beta1;
        float beta2 = _beta2;
        float oneMinusBeta1 = _oneMinusBeta1;
        float oneMinusBeta2 = _oneMinusBeta2;
        float epsilon = _epsilon;
        ForChunks(values.Length, (start, end) =>
            SharedStepRange(values, grad, m, v, start, end, decay, beta1, beta2, oneMinusBeta1, oneMinusBeta2, stepSize, inverseSqrtCorrection2, epsilon));
    }

    /// <summary>The shared-step update over [start, end): step size η/(1−β1^t) and 1/√(1−β2^t) are the same for all values.</summary>
    private static void SharedStepRange(
        float[] values, float[] grad, float[] m, float[] v, int start, int end,
        float decay, float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float stepSize, float inverseSqrtCorrection2, float epsilon)
    {
        ref float w = ref MemoryMarshal.GetArrayDataReference(values);
        ref float g = ref MemoryMarshal.GetArrayDataReference(grad);
        ref float rm = ref MemoryMarshal.GetArrayDataReference(m);
        ref float rv = ref MemoryMarshal.GetArrayDataReference(v);
        int i = start;
        if (Vector.IsHardwareAccelerated)
        {
            var vDecay = new Vector<float>(decay);
            var vBeta1 = new Vector<float>(beta1);
            var vBeta2 = new Vector<float>(beta2);
            var vOneMinusBeta1 = new Vector<float>(oneMinusBeta1);
            var vOneMinusBeta2 = new Vector<float>(oneMinusBeta2);
            var vStepSize = new Vector<float>(stepSize);
            var vInverseSqrtCorrection2 = new Vector<float>(inverseSqrtCorrection2);
            var vEpsilon = new Vector<float>(epsilon);
            for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
            {
                nuint at = (nuint)i;
                Vector<float> gi = Vector.LoadUnsafe(ref g, at);
                Vector<float> mi = vBeta1 * Vector.LoadUnsafe(ref rm, at) + vOneMinusBeta1 * gi;
                Vector<float> vi = vBeta2 * Vector.LoadUnsafe(ref rv, at) + vOneMinusBeta2 * (gi * gi);
                mi.StoreUnsafe(ref rm, at);
                vi.StoreUnsafe(ref rv, at);
                Vector<float> denominator = Vector.SquareRoot(vi) * vInverseSqrtCorrection2 + vEpsilon;
                Vector<float> theta = Vector.LoadUnsafe(ref w, at) * vDecay;
                (theta - vStepSize * mi / denominator).StoreUnsafe(ref w, at);
            }
        }

        for (; i < end; i++)
        {
            float gi = grad[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float denominator = MathF.Sqrt(vi) * inverseSqrtCorrection2 + epsilon;
            float theta = values[i] * decay;
            values[i] = theta - stepSize * mi / denominator;
        }
    }

    private static OptimizerSpec Validate(OptimizerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != OptimizerKind.AdamW)
        {
            throw new ArgumentException($"AdamW needs an adamw spec, not {spec.Kind}.", nameof(spec));
        }

        if (spec.Beta1 is < 0 or >= 1 || spec.Beta2 is < 0 or >= 1 || double.IsNaN(spec.Beta1) || double.IsNaN(spec.Beta2))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), "Betas must lie in [0, 1).");
        }

        if (spec.Epsilon < 0 || spec.WeightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), "Epsilon and weight decay must be non-negative.");
        }

        if (spec.MomentWarmupSteps is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MomentWarmupSteps, "MomentWarmupSteps must be at least 1.");
        }

        return spec;
    }
}
