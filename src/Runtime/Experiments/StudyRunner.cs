using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;
using SparseDsl.Training.Device;

namespace SparseDsl.Experiments;

/// <summary>
/// Trains grid points one after another for one worker, each under a claim in the store (<see cref="ClaimNext"/>) kept
/// alive by a heartbeat, writing every evaluation to the store as soon as it exists. A run ends finished, diverged
/// (NaN or infinite loss: <see cref="TrainingDivergedException"/> after recording it), failed (the exception after
/// recording it), or released for another worker when cancelled.
/// </summary>
public sealed class StudyRunner(StudyDefinition study, IResultStore store, TrainingData data)
{
    /// <summary>How long a claim lasts without a heartbeat: how soon another worker may take over the runs of a dead one.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    /// <summary>Reports progress of the current run: (point, step, running loss).</summary>
    public Action<StudyPoint, int, double>? Progress { get; init; }

    /// <summary>Where to train: null for the CPU kernels, else this accelerator (CUDA or ILGPU's CPU emulator).</summary>
    public ILGPU.Runtime.Accelerator? Accelerator { get; init; }

    /// <summary>This worker's name in the store's claims: <c>host:pid:nonce</c>, unique per runner.</summary>
    public string Worker { get; init; } = NewWorkerName();

    public TimeSpan Lease { get; init; } = DefaultLease;

    /// <summary>
    /// The folder under which each point's checkpoints go (<c>ROOT/&lt;run id&gt;/</c>), or null for none. A point with a
    /// good checkpoint there resumes from it, on the CPU kernels and on the device backend alike (one format: the device
    /// state is downloaded into the host network for each checkpoint and uploaded again on resume).
    /// </summary>
    public string? CheckpointRoot { get; init; }

    /// <summary>Steps between checkpoints (0: none); see <see cref="TrainerHooks.CheckpointEvery"/>.</summary>
    public int CheckpointEvery { get; init; } = Trainer.DefaultCheckpointEvery;

    /// <summary>One line per resume and per damaged checkpoint passed over.</summary>
    public Action<string>? Log { get; init; }

    public static string NewWorkerName() => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The store's record of a point before it runs: id, study and config.</summary>
    public RunRecord Candidate(StudyPoint point) => new() { Id = point.Id, Study = study.Name, ConfigJson = point.Config.ToCanonicalJson() };

    /// <summary>Claims the first of <paramref name="points"/> that no live worker holds and that has not ended; null when none.</summary>
    public RunClaim? ClaimNext(IReadOnlyList<StudyPoint> points) => store.ClaimNext(points.Select(Candidate).ToList(), Worker, Lease);

    /// <summary>
    /// Claims <paramref name="point"/> and trains it from scratch (an interrupted earlier attempt is discarded). Throws
    /// <see cref="InvalidOperationException"/> when the point has ended or another live worker holds it.
    /// </summary>
    public TrainingSummary Run(StudyPoint point, CancellationToken cancellation = default)
    {
        RunClaim claim = ClaimNext([point])
            ?? throw new InvalidOperationException($"run {point.Id} in {store.Location} has ended or another live worker holds it");
        return Run(point, claim, cancellation);
    }

    /// <summary>Trains <paramref name="point"/> under <paramref name="claim"/>, which this runner's worker holds.</summary>
    public TrainingSummary Run(StudyPoint point, RunClaim claim, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.RunId != point.Id || claim.Worker != Worker)
        {
            throw new ArgumentException($"the claim is {claim.Worker}'s on {claim.RunId}, not {Worker}'s on {point.Id}", nameof(claim));
        }

        using var heartbeat = new LeaseHeartbeat(store, claim, Lease, cancellation);
        INetwork network;
        TrainingSettings settings;
        CheckpointFolder? checkpoints = CheckpointRoot is { } root ? new CheckpointFolder(Path.Combine(root, point.Id)) : null;
        TrainingCheckpoint? resume = null;
        try
        {
            (network, settings) = Prepare(point);
            // Only a run this store saw start resumes (finished, diverged and failed ones drop their checkpoints);
            // checkpoints of a run the store never started (a new store at an old path) are stale.
            if (checkpoints is not null && store.GetRun(point.Id)?.StartedUtc is null)
            {
                checkpoints.Delete();
            }

            resume = checkpoints?.LoadLatest(line => Log?.Invoke(line));
            if (resume is not null && resume.Step < settings.Steps)
            {
                // Evaluations and metrics after the checkpoint's step are written again by the resumed run.
                Log?.Invoke($"resuming {point.Id} from its checkpoint at step {resume.Step}");
                store.ResumeRun(point.Id, resume.Step);
            }
            else
            {
                resume = null;
                store.StartRun(new RunRecord
            {
                Id = point.Id,
                Study = study.Name,
                ConfigJson = point.Config.ToCanonicalJson(),
                ActiveParameters = network.Matrices.Sum(l => l.ActiveWeights),
                DenseParameters = network.Matrices.Sum(l => l.DenseWeights),
            }, Worker);
            }
        }
        catch (Exception error) when (error is not (ResultStoreException or ClaimLostException))
        {
            // A config that does not resolve is the user's to fix: the run goes back to the next worker untouched.
            store.ReleaseClaim(point.Id, Worker);
            throw;
        }

        try
        {
            var summary = Train(network, settings, point, heartbeat, checkpoints, resume);
            heartbeat.ThrowIfLost();
            store.AppendMetrics(point.Id, summary.Final.Step, RunFigures.Of(network, settings, summary, TrainExamples()));
            // The active count at the end: gradual pruning ends sparser than it started.
            store.FinishRun(point.Id, new FinalMetrics(summary.Final.TrainLoss, summary.Final.TestLoss, summary.Final.TestAccuracy, summary.WallSeconds, summary.SamplesSeen, summary.PeakManagedBytes,
                network.Matrices.Sum(l => l.ActiveWeights)), Worker);
            checkpoints?.Delete();
            return summary;
        }
        catch (TrainingDivergedException diverged)
        {
            store.DivergeRun(point.Id, diverged.Step, diverged.Message, Worker);
            checkpoints?.Delete();
            throw;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            heartbeat.ThrowIfLost();
            throw;
        }
        catch (OperationCanceledException)
        {
            store.ReleaseClaim(point.Id, Worker);
            throw;
        }
        catch (Exception error) when (error is not (ResultStoreException or ClaimLostException))
        {
            // A failed run is retried from its last checkpoint (a checkpoint that could not be written leaves the older
            // ones), except when the checkpoint itself does not fit the run: that one must not fail the retry too.
            store.FailRun(point.Id, error.Message, Worker);
            if (error is InvalidDataException)
            {
                checkpoints?.Delete();
            }

            throw;
        }
    }

    /// <summary>The point's network and training settings, resolved from its config (the user's expressions parsed).</summary>
    private (INetwork Network, TrainingSettings Settings) Prepare(StudyPoint point)
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
        var network = study.CreateNetwork(new NetworkOptions(config.Sparsity, config.Distribution, config.Seed, pattern, schedule) { Width = config.Width, Blocks = config.Blocks });
        DataRegime regime = Regime(config);
        int steps = config.StepsFromRegime ? RegimeSteps(regime, config.Batch) : config.Steps;
        return (network, new TrainingSettings(steps, config.Batch, config.EvalEvery, optimizerSpec, study.Model.Loss, config.Seed, schedule, regime));
    }

    /// <summary>The steps of <paramref name="regime"/> over this runner's train split: U × epochs / batch (RS2: r·U × epochs / batch).</summary>
    private int RegimeSteps(DataRegime regime, int batch)
    {
        try
        {
            return checked((int)regime.Plan(TrainExamples(), batch).Steps);
        }
        catch (ArgumentOutOfRangeException error)
        {
            throw new UserInputException($"the data regime does not fit {data.Name}: {error.Message}");
        }
    }

    /// <summary>The steps <paramref name="point"/> trains: its config's, or those of its data regime (U × epochs / batch).</summary>
    public int PlannedSteps(StudyPoint point) =>
        point.Config.StepsFromRegime ? RegimeSteps(Regime(point.Config), point.Config.Batch) : point.Config.Steps;

    /// <summary>A point's data regime: a language model's examples are chunks of its context, so U in tokens becomes chunks.</summary>
    private DataRegime Regime(RunConfig config)
    {
        DataRegime regime = config.Regime;
        return Context is int context ? DataRegime.ForTokens(config.UniqueTokens, context, regime.Epochs, regime.Sampling) : regime;
    }

    /// <summary>A language model's context T; null for an [Input] + [Dense] model.</summary>
    private int? Context => study.Model.IsTokenModel ? study.Model.Layers[0].Embedding?.Context : null;

    /// <summary>The train split's size in the regime's examples: chunks of the context for a language model, else samples.</summary>
    private int TrainExamples() =>
        Context is int context ? data.RequireText().Train.ChunkCount(context) : data.RequireLabelled().Train.Count;

    /// <summary>On the CPU kernels, or with <see cref="Accelerator"/> set on the device through the generated GpuKernels.</summary>
    private TrainingSummary Train(INetwork network, TrainingSettings settings, StudyPoint point, LeaseHeartbeat heartbeat, CheckpointFolder? checkpoints, TrainingCheckpoint? resume)
    {
        var cancellation = heartbeat.Token;
        var around = new LossAroundUpdates((step, metrics) => store.AppendMetrics(point.Id, step, metrics));
        Action<int, double> stepCompleted = (step, loss) =>
        {
            around.Step(step, loss);
            Progress?.Invoke(point, step, loss);
        };
        Action<EvalPoint> evaluated = eval =>
        {
            heartbeat.ThrowIfLost();
            around.Flush();
            store.AppendEval(new EvalRecord(point.Id, eval.Step, eval.SamplesSeen, eval.TrainLoss, eval.TestLoss, eval.TrainAccuracy, eval.TestAccuracy, eval.WallSeconds));
        };
        Action<TopologyUpdate> topologyUpdated = update =>
        {
            store.AppendMetrics(point.Id, update.Step, TopologyMetrics.Of(update));
            around.Updated(update.Step);
        };
        // The same reports and checkpoints whichever trainer runs the point.
        var hooks = new TrainerHooks
        {
            StepCompleted = stepCompleted,
            Evaluated = evaluated,
            TopologyUpdated = topologyUpdated,
            Checkpoints = checkpoints,
            CheckpointEvery = CheckpointEvery,
            ResumeFrom = resume,
        };
        if (network is ITokenNetwork languageModel)
        {
            if (Accelerator is null)
            {
                return new TokenTrainer(languageModel, data.RequireText(), settings).With(hooks).Run(cancellation);
            }

            using var deviceModel = (network as IDeviceTokenNetworkSource ?? throw NoDeviceNetwork(network)).CreateDeviceNetwork(Accelerator);
            return new DeviceTokenTrainer(deviceModel, data.RequireText(), settings).With(hooks).Run(cancellation);
        }

        var mlp = (ISparseNetwork)network;
        var images = data.RequireLabelled();
        if (Accelerator is null)
        {
            return new Trainer(mlp, images, settings).With(hooks).Run(cancellation);
        }

        using var deviceNetwork = (network as IDeviceNetworkSource ?? throw NoDeviceNetwork(network)).CreateDeviceNetwork(Accelerator);
        return new DeviceTrainer(deviceNetwork, images, settings).With(hooks).Run(cancellation);
    }

    private static NotSupportedException NoDeviceNetwork(INetwork network) =>
        new($"{network.GetType().Name} has no generated device network; use --backend cpu");
}
