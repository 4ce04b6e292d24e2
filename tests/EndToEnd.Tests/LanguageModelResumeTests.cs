using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// A language model stopped between checkpoints and resumed in a fresh network and trainer logs the same losses,
/// evaluations and topology updates, and ends with the same weights, optimizer state and masks, bit for bit, as the
/// run that never stopped: the checkpoint holds the token stream's position (epoch and offset of the chunk order, a
/// U-token subset drawn by the regime) as well as the SET masks of the block matrices.
/// </summary>
public sealed class LanguageModelResumeTests
{
    private const int Steps = 70;
    private const int StopAfter = 37;   // after the checkpoint at 26, mid-epoch (10 batches an epoch)
    private const int Every = 13;

    private static readonly TokenCorpus Corpus = TokenCorpus.Create(
        "text:resume",
        [new TextDocument("resume", string.Concat(Enumerable.Range(0, 60).Select(i => $"line {i}: sparse models repeat their data {i % 7} times. ")))],
        validationFraction: 0.2);

    [Fact]
    public void StoppedLanguageModelResumed_EqualsTheUninterruptedRunBitForBit()
    {
        var schedule = Expressions.ParseSchedule("set every=10 drop=0.3").Value!;
        var optimizer = Expressions.ParseOptimizer("adamw lr=3e-3 wd=0.1").Value!;
        // U = 40 chunks of 16 tokens, reshuffled per epoch: the resume must land mid-epoch in the same order.
        var regime = DataRegime.ForTokens(uniqueTokens: 40 * 16, context: 16, epochs: 20);
        var settings = new TrainingSettings(Steps, Batch: 4, EvalEvery: 20, optimizer, Loss.NextToken, 5, schedule, regime);
        CheckLm Create() => new(new NetworkOptions(0.5, Distribution.Uniform, 5, Schedule: schedule));

        var whole = Train(Create(), settings, folder: null, resume: null, stopAfter: null);
        Assert.NotEmpty(whole.Updates);
        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-lm-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new CheckpointFolder(path);
            var stopped = Train(Create(), settings, folder, resume: null, stopAfter: StopAfter);
            Assert.Equal(whole.Losses.Take(StopAfter), stopped.Losses);
            var checkpoint = folder.LoadLatest(warning => Assert.Fail(warning))!;
            Assert.Equal(26, checkpoint.Step);
            Assert.Equal((2, 6), (checkpoint.DataEpoch, checkpoint.DataOffset / 4)); // 6 batches into the third epoch

            var resumed = Train(Create(), settings, folder: null, resume: checkpoint, stopAfter: null);

            Assert.Equal(whole.Losses.Skip(26), resumed.Losses);
            Assert.Equal(whole.Evals.Where(e => e.Step > 26).Select(Figures), resumed.Evals.Select(Figures));
            Assert.Equal(whole.Updates.Where(u => u.Step > 26).Select(u => (u.Step, u.LossBefore, u.LossAfter)), resumed.Updates.Select(u => (u.Step, u.LossBefore, u.LossAfter)));
            foreach (var (a, b) in whole.Network.Matrices.Zip(resumed.Network.Matrices))
            {
                Assert.Equal(a.Weight.Format.ActiveUnits(), b.Weight.Format.ActiveUnits());
            }

            foreach (var (a, b) in whole.Network.Parameters.Zip(resumed.Network.Parameters))
            {
                Assert.Equal(Bits(a.Values), Bits(b.Values));
                Assert.Equal(a.Slots.Select(Bits), b.Slots.Select(Bits));
            }
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    private static (int, double, double, double, long) Figures(EvalPoint e) => (e.Step, e.TrainLoss, e.TestLoss, e.TestAccuracy, e.SamplesSeen);

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private sealed record Run(CheckLm Network, List<double> Losses, List<EvalPoint> Evals, List<TopologyUpdate> Updates);

    private static Run Train(CheckLm network, TrainingSettings settings, CheckpointFolder? folder, TrainingCheckpoint? resume, int? stopAfter)
    {
        var log = TrainingLog.Record(new TokenTrainer(network, Corpus, settings), (t, c) => t.Run(c), folder, Every, resume, stopAfter);
        return new Run(network, log.Losses, log.Evals, log.Updates);
    }
}
