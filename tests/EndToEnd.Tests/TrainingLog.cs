using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>Every value a run logs (per-step losses, evaluations, topology updates): what the resume tests compare.</summary>
internal sealed record TrainingLog(List<double> Losses, List<EvalPoint> Evals, List<TopologyUpdate> Updates)
{
    /// <summary>
    /// Runs <paramref name="trainer"/> (any of the four trainers) with the log's hooks and the checkpoint settings given,
    /// to the end, or cancelled right after step <paramref name="stopAfter"/> (which must then stop it).
    /// </summary>
    public static TrainingLog Record<TTrainer>(
        TTrainer trainer, Func<TTrainer, CancellationToken, TrainingSummary> run, CheckpointFolder? folder, int every, TrainingCheckpoint? resume, int? stopAfter)
        where TTrainer : TrainerHooks
    {
        var log = new TrainingLog([], [], []);
        using var stop = new CancellationTokenSource();
        trainer.With(new TrainerHooks
        {
            StepCompleted = (step, loss) =>
            {
                log.Losses.Add(loss);
                if (step == stopAfter)
                {
                    stop.Cancel();
                }
            },
            Evaluated = log.Evals.Add,
            TopologyUpdated = log.Updates.Add,
            Checkpoints = folder,
            CheckpointEvery = every,
            ResumeFrom = resume,
        });
        if (stopAfter is null)
        {
            run(trainer, CancellationToken.None);
        }
        else
        {
            Assert.ThrowsAny<OperationCanceledException>(() => run(trainer, stop.Token));
        }

        return log;
    }
}
