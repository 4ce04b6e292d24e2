using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Experiments;

/// <summary>Runs grid points one after another, writing every evaluation to the store as soon as it exists.</summary>
public sealed class StudyRunner(StudyDefinition study, IResultStore store, Dataset data)
{
    /// <summary>Reports progress of the current run: (point, step, running loss).</summary>
    public Action<StudyPoint, int, double>? Progress { get; init; }

    /// <summary>Trains one point from scratch (an interrupted earlier attempt is discarded) and records it.</summary>
    public TrainingSummary Run(StudyPoint point, CancellationToken cancellation = default)
    {
        var config = point.Config;
        var optimizer = Expressions.ParseOptimizer(config.Optimizer);
        if (!optimizer.Success)
        {
            throw new UserInputException($"optimizer \"{config.Optimizer}\" does not parse at column {optimizer.Error!.Column}: {optimizer.Error.Message}");
        }

        var optimizerSpec = config.LearningRate is double lr ? optimizer.Value! with { LearningRate = lr } : optimizer.Value!;
        var network = study.CreateNetwork(new NetworkOptions(config.Sparsity, config.Distribution, config.Seed));
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
        var trainer = new Trainer(network, data, new TrainingSettings(config.Steps, config.Batch, config.EvalEvery, optimizerSpec, study.Model.Loss, config.Seed))
        {
            StepCompleted = (step, loss) => Progress?.Invoke(point, step, loss),
            Evaluated = eval => store.AppendEval(new EvalRecord(point.Id, eval.Step, eval.SamplesSeen, eval.TrainLoss, eval.TestLoss, eval.TrainAccuracy, eval.TestAccuracy, eval.WallSeconds)),
        };

        try
        {
            var summary = trainer.Run(cancellation);
            store.FinishRun(point.Id, new FinalMetrics(summary.Final.TrainLoss, summary.Final.TestLoss, summary.Final.TestAccuracy, summary.WallSeconds, summary.SamplesSeen, summary.PeakManagedBytes));
            return summary;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            store.FailRun(point.Id, error.Message);
            throw;
        }
    }
}
