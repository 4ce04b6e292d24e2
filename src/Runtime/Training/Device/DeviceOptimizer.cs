using ILGPU;
using ILGPU.Runtime;
using SparseDsl.Language;

namespace SparseDsl.Training.Device;

/// <summary>
/// AdamW (shared or per-weight steps) or SGD over <see cref="DeviceParameter"/>s, state in device buffers. The host
/// arithmetic (learning rate per parameter, bias corrections and their per-age tables) is the CPU optimizer's, so both
/// backends take the same steps.
/// </summary>
public sealed class DeviceOptimizer : IDisposable
{
    private readonly IOptimizer rates;
    private readonly IReadOnlyList<DeviceParameter> parameters;
    private readonly Accelerator accelerator;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamWScalars>? adamW;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<ushort>, ArrayView<float>, ArrayView<float>, AdamWPerWeightScalars>? adamWPerWeight;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AdamWPerWeightScalars>? adamWPerWeightWide;
    private readonly int ageLimit;
    private MemoryBuffer1D<float, Stride1D.Dense>? ageStepScale;                  // [entries], per age: min(t/W, 1)/(1 − β1^t)
    private MemoryBuffer1D<float, Stride1D.Dense>? ageInverseSqrtCorrection2;     // [entries], per age: 1/√(1 − β2^t)
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, SgdScalars>? sgd;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdScalars>? sgdMomentum;
    private int stepCount;

    public DeviceOptimizer(Accelerator accelerator, OptimizerSpec spec, IReadOnlyList<DeviceParameter> parameters, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(parameters);
        // The CPU optimizer over no parameters: it validates the spec and gives the schedule and the per-parameter
        // learning rate (density scaling included) while holding no state.
        rates = Optimizer.Create(spec, [], totalSteps);
        this.accelerator = accelerator;
        this.parameters = parameters;
        Spec = spec;
        int slotCount = spec.Kind switch
        {
            OptimizerKind.AdamW => 2,
            _ => spec.Momentum != 0 ? 1 : 0,
        };
        int? limit = spec.Kind == OptimizerKind.AdamW ? AdamW.AgeLimit(spec) : null;
        foreach (var parameter in parameters)
        {
            // The state lives on each device parameter (its one owner), so a topology change moves it with the values.
            parameter.AllocateState(slotCount, limit);
        }

        if (limit is int ages)
        {
            ageLimit = ages;
            if (ages <= ushort.MaxValue)
            {
                adamWPerWeight = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<ushort>, ArrayView<float>, ArrayView<float>, AdamWPerWeightScalars>(RuntimeKernels.AdamWPerWeightStep);
            }
            else
            {
                adamWPerWeightWide = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AdamWPerWeightScalars>(RuntimeKernels.AdamWPerWeightStepWide);
            }
        }
        else if (spec.Kind == OptimizerKind.AdamW)
        {
            adamW = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamWScalars>(RuntimeKernels.AdamWStep);
        }
        else if (slotCount == 0)
        {
            sgd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, SgdScalars>(RuntimeKernels.SgdStep);
        }
        else
        {
            sgdMomentum = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdScalars>(RuntimeKernels.SgdMomentumStep);
        }
    }

    public OptimizerSpec Spec { get; }

    /// <summary>Bytes of optimizer state on the device (as <see cref="IOptimizer.StateBytes"/>: moments, and ages with per-weight steps).</summary>
    public long StateBytes =>
        parameters.Sum(p => p.StateBytes);

    /// <summary>Steps taken so far: AdamW's shared t, whose bias corrections a checkpoint must continue from.</summary>
    internal int StepCount => stepCount;

    /// <summary>Sets the step count from a checkpoint: the next <see cref="Step"/> is number <paramref name="count"/> + 1.</summary>
    internal void RestoreStepCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        stepCount = count;
    }

    /// <summary>One update of every parameter from its device gradient, at the 0-based step <paramref name="step"/>.</summary>
    public void Step(int step)
    {
        stepCount++;
        // As AdamW.BeginStep: the bias corrections of the shared step t, in double.
        double stepSizeFactor = 1.0 / (1.0 - Math.Pow(Spec.Beta1, stepCount));
        double inverseSqrtCorrection2 = 1.0 / Math.Sqrt(1.0 - Math.Pow(Spec.Beta2, stepCount));
        bool perWeight = adamWPerWeight is not null || adamWPerWeightWide is not null;
        int lastEntry = perWeight ? UploadCorrectionTables(stepCount) : 0;
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            if (parameter.Length == 0)
            {
                continue;
            }

            double lr = rates.LearningRate(parameter.Host, step);
            var state = parameter.Slots;
            if (Spec.Kind == OptimizerKind.AdamW)
            {
                float decay = parameter.Host.Decays ? (float)(1.0 - lr * Spec.WeightDecay) : 1f;
                float beta1 = (float)Spec.Beta1, beta2 = (float)Spec.Beta2, oneMinusBeta1 = (float)(1.0 - Spec.Beta1), oneMinusBeta2 = (float)(1.0 - Spec.Beta2);
                if (perWeight)
                {
                    var scalars = new AdamWPerWeightScalars(decay, beta1, beta2, oneMinusBeta1, oneMinusBeta2, (float)lr, (float)Spec.Epsilon, lastEntry, ageLimit);
                    if (adamWPerWeight is not null)
                    {
                        adamWPerWeight(parameter.Length, parameter.Values.View, parameter.Grad.View, state[0].View, state[1].View, parameter.NarrowAges!.View,
                            ageStepScale!.View, ageInverseSqrtCorrection2!.View, scalars);
                    }
                    else
                    {
                        adamWPerWeightWide!(parameter.Length, parameter.Values.View, parameter.Grad.View, state[0].View, state[1].View, parameter.WideAges!.View,
                            ageStepScale!.View, ageInverseSqrtCorrection2!.View, scalars);
                    }
                }
                else
                {
                    var scalars = new AdamWScalars(decay, beta1, beta2, oneMinusBeta1, oneMinusBeta2,
                        (float)(lr * stepSizeFactor), (float)inverseSqrtCorrection2, (float)Spec.Epsilon);
                    adamW!(parameter.Length, parameter.Values.View, parameter.Grad.View, state[0].View, state[1].View, scalars);
                }

                continue;
            }

            var sgdScalars = new SgdScalars((float)lr, parameter.Host.Decays ? (float)Spec.WeightDecay : 0f, (float)Spec.Momentum, Spec.Nesterov ? 1 : 0);
            if (sgd is not null)
            {
                sgd(parameter.Length, parameter.Values.View, parameter.Grad.View, sgdScalars);
            }
            else
            {
                sgdMomentum!(parameter.Length, parameter.Values.View, parameter.Grad.View, state[0].View, sgdScalars);
            }
        }
    }

    public void Dispose()
    {
        ageStepScale?.Dispose();
        ageInverseSqrtCorrection2?.Dispose();
    }

    /// <summary>
    /// The CPU AdamW's per-age tables, grown to cover <paramref name="stepCount"/> (no value is older), uploaded when
    /// they grew (they double, so rarely); returns the last entry's index.
    /// </summary>
    private int UploadCorrectionTables(int stepCount)
    {
        var (scale, inverse) = ((AdamW)rates).CorrectionTables(stepCount);
        if (ageStepScale is null || ageStepScale.Length != scale.Length)
        {
            ageStepScale?.Dispose();
            ageInverseSqrtCorrection2?.Dispose();
            ageStepScale = accelerator.Allocate1D(scale);
            ageInverseSqrtCorrection2 = accelerator.Allocate1D(inverse);
        }

        return scale.Length - 1;
    }
}
