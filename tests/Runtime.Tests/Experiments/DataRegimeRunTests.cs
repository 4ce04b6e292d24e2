using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>
/// The data-regime grid axes end to end (issue 10): from the grid through the run's config to the batches the training
/// loop hands out, on synthetic data with a loop that only records which samples it was given.
/// </summary>
public sealed class DataRegimeRunTests
{
    private static readonly RunConfig Plain =
        new("Study", "Tests.Mlp", "synthetic", 64, 16, 0, "sgd lr=0.1", "static", 0.5, Distribution.Uniform, 1, null);

    /// <summary>The samples of every step of a run under <paramref name="config"/>'s regime, over 1,000 synthetic samples.</summary>
    private static List<int[]> Batches(RunConfig config, int steps)
    {
        var data = SyntheticData.Create(new SyntheticOptions(TrainCount: 1000, TestCount: 10));
        var optimizer = Expressions.ParseOptimizer(config.Optimizer).Value!;
        var settings = new TrainingSettings(steps, config.Batch, 0, optimizer, Loss.SoftmaxCrossEntropy, config.Seed, Regime: config.Regime);
        var seen = new List<int[]>();
        TrainingLoop.Run(
            data.Train.Count,
            settings,
            (indices, labels) => seen.Add((int[])indices.Clone()),
            (step, labels) => (0.0, 0L),
            () => (0.0, 0.0),
            stepCompleted: null,
            evaluated: null,
            CancellationToken.None);
        return seen;
    }

    [Fact]
    public void Rs2TenPercent_SeesATenthOfTheTrainingSetPerEpoch_ADifferentSubsetEachEpoch()
    {
        RunConfig config = Plain with { Sampling = "rs2 r=0.1", Batch = 10, Epochs = 3 };
        List<int[]> batches = Batches(config, steps: 30); // 100 samples per round, 10 batches of 10

        var rounds = Enumerable.Range(0, 3).Select(e => batches.Skip(e * 10).Take(10).SelectMany(b => b).ToList()).ToList();
        foreach (var round in rounds)
        {
            Assert.Equal(100, round.Count);
            Assert.Equal(100, round.Distinct().Count());
        }

        // Without replacement across rounds: the rounds are disjoint until the training set is used up.
        Assert.Empty(rounds[0].Intersect(rounds[1]));
        Assert.Empty(rounds[1].Intersect(rounds[2]));
    }

    [Fact]
    public void UniqueTokens_LimitsTheDistinctSamplesEverTrainedOn()
    {
        RunConfig config = Plain with { UniqueTokens = 200, Epochs = 5, Batch = 20 };
        List<int[]> batches = Batches(config, steps: 50); // 10 steps per pass over U, 5 passes

        var distinct = batches.SelectMany(b => b).Distinct().ToList();
        Assert.Equal(200, distinct.Count);
        Assert.All(distinct, i => Assert.InRange(i, 0, 999));
    }

    [Fact]
    public void NoRegimeKeys_TrainOnTheSameBatchesAsThePlainShuffle()
    {
        List<int[]> batches = Batches(Plain, steps: 70);
        var plain = new BatchStream(new ShuffleSampler(1000, Plain.Seed), Plain.Batch, dropLast: true);
        var expected = new int[Plain.Batch];
        foreach (int[] batch in batches)
        {
            plain.Next(expected);
            Assert.Equal(expected, batch);
        }
    }

    [Fact]
    public void RegimeKeys_AreWrittenOnlyWhenSetAndChangeTheId()
    {
        RunConfig rs2 = Plain with { Sampling = "rs2 r=0.1", UniqueTokens = 6000, Epochs = 4 };

        Assert.DoesNotContain("sampling", Plain.ToCanonicalJson());
        Assert.EndsWith(""","seed":1,"sampling":"rs2 r=0.1","unique_tokens":6000,"epochs":4}""", rs2.ToCanonicalJson());
        Assert.NotEqual(Plain.Id, rs2.Id);
        Assert.NotEqual(rs2.Id, (rs2 with { Sampling = "rs2 r=0.3" }).Id);
    }

    [Fact]
    public void GridAxes_ResolveIntoTheConfig_EpochsLettingTheRegimeSetTheSteps()
    {
        StudyDefinition study = FitStudy.Definition with
        {
            Grid = new[] { new GridAxisText("sampling", "full, 'rs2  r=0.1'"), new GridAxisText("unique_tokens", "6000"), new GridAxisText("epochs", "2") },
        };

        IReadOnlyList<StudyPoint> points = StudyPlan.Resolve(study);

        Assert.Equal(new[] { "full", "rs2 r=0.1" }, points.Select(p => p.Config.Sampling).ToArray());
        Assert.All(points, p => Assert.Equal(6000, p.Config.UniqueTokens));
        Assert.All(points, p => Assert.True(p.Config.StepsFromRegime));
        Assert.Equal(6000 / study.Batch * 2, points[0].Config.Regime.Plan(60000, study.Batch).Steps);
        Assert.Equal(600 / study.Batch * 2, points[1].Config.Regime.Plan(60000, study.Batch).Steps);
        Assert.All(StudyPlan.Resolve(study, stepsOverride: 5), p => Assert.Equal(5, p.Config.Steps));
    }
}

/// <summary><c>report --target-accuracy</c> on a store with known evaluations.</summary>
public sealed class TargetAccuracyReportTests : IDisposable
{
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    private static void Add(IResultStore store, string id, string config, params (long Step, double Accuracy, double Seconds)[] evals)
    {
        store.StartRun(new RunRecord { Id = id, Study = FitStudy.Name, ConfigJson = config, ActiveParameters = 10, DenseParameters = 10 });
        foreach (var (step, accuracy, seconds) in evals)
        {
            store.AppendEval(new EvalRecord(id, step, step * 100, 1.0, 1.0, null, accuracy, seconds));
        }

        var last = evals[^1];
        store.FinishRun(id, new FinalMetrics(1.0, 1.0, last.Accuracy, last.Seconds, last.Step * 100, 1 << 20));
    }

    [Fact]
    public void TargetAccuracy_ShowsTheFirstEvaluationAtOrAboveIt_OrNotReached()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            Add(store, "fullrun", """{"seed":1}""", (10, 0.70, 2.0), (20, 0.85, 4.5), (30, 0.90, 7.0));
            Add(store, "rs2run", """{"seed":1,"sampling":"rs2 r=0.1","unique_tokens":6000,"epochs":4}""", (10, 0.86, 1.5), (20, 0.80, 3.0));
            Add(store, "slowrun", """{"seed":1,"sampling":"rs2 r=0.3"}""", (10, 0.5, 1.0), (20, 0.84, 2.0));
        }

        (int code, string stdout, string stderr) = FitStudy.Run("report", "--store", _study.Db, "--target-accuracy", "0.85");

        Assert.True(code == 0, stderr);
        Assert.Contains("time to test accuracy >= 0.85", stdout);
        string Row(string id) => stdout.Split('\n').Single(line => line.Contains(id, StringComparison.Ordinal));
        Assert.Matches(@"fullrun.*all.*3000.*full.*4\.5.*2000.*20", Row("fullrun"));
        Assert.Matches(@"rs2run.*6000.*4.*2000.*rs2 r=0\.1.*1\.5.*1000.*10", Row("rs2run"));
        Assert.Matches(@"slowrun.*rs2 r=0\.3.*not reached", Row("slowrun"));
    }

    [Fact]
    public void FirstReaching_TakesTheEarliestStepNotTheBest()
    {
        var evals = new[]
        {
            new EvalRecord("r", 30, 3000, 1, 1, null, 0.95, 3),
            new EvalRecord("r", 10, 1000, 1, 1, null, 0.5, 1),
            new EvalRecord("r", 20, 2000, 1, 1, null, 0.9, 2),
        };

        Assert.Equal(20, TimeToAccuracy.FirstReaching(evals, 0.9)!.Step);
        Assert.Null(TimeToAccuracy.FirstReaching(evals, 0.99));
    }
}
