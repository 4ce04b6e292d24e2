using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;
using SparseDsl.Training.Device;

namespace SparseDsl.Experiments;

/// <summary>Runs grid points one after another, writing every evaluation to the store as soon as it exists.</summary>
public sealed class StudyRunner(StudyDefinition study, IResultStore store, Dataset data)
{
    /// <summary>Reports progress of the current run: (point, step, running loss).</summary>
    public Action<StudyPoint, int, double>? Progress { get; init; }

    /// <summary>Where to train: null for the CPU kernels, else this accelerator (CUDA or ILGPU's CPU emulator).</summary>
    public ILGPU.Runtime.Accelerator? Accelerator { get; init; }

    /// <summary>Trains one point from scratch (an interrupted earlier attempt is discarded) and records it.</summary>
    public TrainingSummary Run(StudyPoint point, CancellationToken cancellation = default)
    {
        var config = point.Config;
        var optimizer = UserInputException.Parsed(Expressions.ParseOptimizer(config.Optimizer), "optimizer", config.Optimizer);
        var schedule = UserInputException.Parsed(Expressions.ParseSchedule(config.Schedule), "schedule", config.Schedule);
        SparsityPatternSpec? pattern = config.Pattern is string patternText
            ? UserInputException.Parsed(Expressions.ParsePattern(patternText), "pattern", patternText)
            : null;

        // SMET's method in the schedule (warm-up, density-aware lr) resolves onto the optimizer.
        var optimizerSpec = SmetMethod.EffectiveOptimizer(optimizer, schedule);
        optimizerSpec = config.LearningRate is double lr ? optimizerSpec with { LearningRate = lr } : optimizerSpec;
        var network = study.CreateNetwork(new NetworkOptions(config.Sparsity, config.Distribution, config.Seed, pattern, schedule));
        long dense = network.Layers.Sum(l => l.DenseWeights);
        long active = network.Layers.Sum(l => l.ActiveWeights);

        store.StartRun(new RunRecord
        {
            Id = point.Id,
            Study = study.Name,
            ConfigJson = config.ToCanonicalJson(),
            ActiveParameters = active,
            DenseParameters = dense,
        });
        var settings = new TrainingSettings(config.Steps, config.Batch, config.EvalEvery, optimizerSpec, study.Model.Loss, config.Seed, schedule);
        try
        {
            var summary = Train(network, settings, point, cancellation);
            // The active count at the end: gradual pruning ends sparser than it started.
            store.FinishRun(point.Id, new FinalMetrics(summary.Final.TrainLoss, summary.Final.TestLoss, summary.Final.TestAccuracy, summary.WallSeconds, summary.SamplesSeen, summary.PeakManagedBytes,
                network.Layers.Sum(l => l.ActiveWeights)));
            return summary;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            store.FailRun(point.Id, error.Message);
            throw;
        }
    }

    /// <summary>On the CPU kernels, or with <see cref="Accelerator"/> set on the device through the generated GpuKernels.</summary>
    private TrainingSummary Train(ISparseNetwork network, TrainingSettings settings, StudyPoint point, CancellationToken cancellation)
    {
        var around = new LossAroundUpdates((step, metrics) => store.AppendMetrics(point.Id, step, metrics));
        Action<int, double> stepCompleted = (step, loss) =>
        {
            around.Step(step, loss);
            Progress?.Invoke(point, step, loss);
        };
        Action<EvalPoint> evaluated = eval =>
        {
            around.Flush();
            store.AppendEval(new EvalRecord(point.Id, eval.Step, eval.SamplesSeen, eval.TrainLoss, eval.TestLoss, eval.TrainAccuracy, eval.TestAccuracy, eval.WallSeconds));
        };
        Action<TopologyUpdate> topologyUpdated = update =>
        {
            store.AppendMetrics(point.Id, update.Step, TopologyMetrics.Of(update));
            around.Updated(update.Step);
        };
        if (Accelerator is null)
        {
            return new Trainer(network, data, settings) { StepCompleted = stepCompleted, Evaluated = evaluated, TopologyUpdated = topologyUpdated }.Run(cancellation);
        }

        if (network is not IDeviceNetworkSource source)
        {
            throw new NotSupportedException($"{network.GetType().Name} has no generated device network; use --backend cpu");
        }

        using var deviceNetwork = source.CreateDeviceNetwork(Accelerator);
        return new DeviceTrainer(deviceNetwork, data, settings) { StepCompleted = stepCompleted, Evaluated = evaluated, TopologyUpdated = topologyUpdated }.Run(cancellation);
    }
}
