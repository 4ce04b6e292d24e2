using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// A run stopped after a checkpoint and resumed in a fresh network and trainer from that checkpoint logs the same
/// losses and evaluations and ends with the same weights, topology and optimizer state, bit for bit, as the run that
/// never stopped; a damaged newest checkpoint is reported in one line and the older one is used.
/// </summary>
public sealed class CheckpointResumeTests
{
    private const int Steps = 90;
    private const int StopAfter = 52;   // the simulated crash: after step 52, between checkpoints 45 and 60
    private const int Every = 15;

    private static readonly Dataset UnstructuredData = SyntheticData.Create(new SyntheticOptions(Seed: 4, Features: 19, Classes: 4));
    private static readonly Dataset PatternData = SyntheticData.Create(new SyntheticOptions(Seed: 6, Features: 32, Classes: 4));

    [Theory]
    [InlineData("unstructured", "rigl every=10 drop=0.3 cosine until=75%")]
    [InlineData("unstructured", "smet every=10")]
    [InlineData("patterns", "rigl every=10 drop=0.3")]
    [InlineData("patterns", "smet every=10")]
    public void StoppedRunResumedFromItsCheckpoint_EqualsTheUninterruptedRunBitForBit(string model, string scheduleText)
    {
        var schedule = Expressions.ParseSchedule(scheduleText).Value!;
        var optimizer = SmetMethod.EffectiveOptimizer(Expressions.ParseOptimizer("adamw lr=1e-2 wd=1e-4").Value!, schedule);
        var settings = new TrainingSettings(Steps, Batch: 32, EvalEvery: 20, optimizer, Loss.SoftmaxCrossEntropy, 7, schedule);
        (Func<ISparseNetwork> create, Dataset data) = model == "unstructured"
            ? ((Func<ISparseNetwork>)(() => new CheckMlp(new NetworkOptions(0.6, Distribution.Uniform, 7, Schedule: schedule))), UnstructuredData)
            : (() => new PatternMlp(new NetworkOptions(0, Distribution.Uniform, 7, Schedule: schedule)), PatternData);

        var whole = Train(create(), data, settings, folder: null, resume: null, stopAfter: null);
        Assert.NotEmpty(whole.Updates);
        if (schedule.Kind == ScheduleKind.Smet)
        {
            Assert.Contains(whole.Network.Parameters, p => p.Ages is not null);
        }

        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new CheckpointFolder(path);
            var stopped = Train(create(), data, settings, folder, resume: null, stopAfter: StopAfter);
            Assert.Equal(whole.Losses.Take(StopAfter), stopped.Losses);
            Assert.Equal([45, 30], folder.Files().Select(f => f.Step));

            var checkpoint = folder.LoadLatest(warning => Assert.Fail(warning))!;
            Assert.Equal(45, checkpoint.Step);
            AssertResumeMatches(whole, create, data, settings, checkpoint);

            // The newest checkpoint damaged: one line names it, and the older one (step 30) takes over.
            string newest = folder.Files()[0].File;
            byte[] bytes = File.ReadAllBytes(newest);
            bytes[bytes.Length / 2] ^= 0x5A;
            File.WriteAllBytes(newest, bytes);
            var warnings = new List<string>();
            var older = folder.LoadLatest(warnings.Add)!;
            Assert.Equal(30, older.Step);
            Assert.Contains("SHA-256", Assert.Single(warnings), StringComparison.Ordinal);
            AssertResumeMatches(whole, create, data, settings, older);

            // Truncated: refused too.
            File.WriteAllBytes(newest, File.ReadAllBytes(folder.Files()[1].File)[..100]);
            Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(newest));
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    [Fact]
    public void CheckpointThatCannotBeWritten_OneLineNamingIt_TheOlderOnesKept()
    {
        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new CheckpointFolder(path);
            static TrainingCheckpoint At(int step) => new(step, 7, step, 0, 0, 0, 0, step * 32, [new ParameterState("w", [1f, 2f], [[0f, 0f]], [1, 2], 10, [0, 3])]);
            folder.Save(At(15));
            folder.Save(At(30));
            // The temporary file's name taken by a folder: the write fails as on a full disk or a read-only folder.
            Directory.CreateDirectory(Path.Combine(path, "step-000000045.ckpt.tmp"));

            var error = Assert.ThrowsAny<IOException>(() => folder.Save(At(45)));

            Assert.Contains("cannot write checkpoint '" + Path.Combine(path, "step-000000045.ckpt") + "'", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Equal([30, 15], folder.Files().Select(f => f.Step));
            Assert.Equal(At(30).Parameters[0].Values, folder.LoadLatest()!.Parameters[0].Values);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static void AssertResumeMatches(Run whole, Func<ISparseNetwork> create, Dataset data, TrainingSettings settings, TrainingCheckpoint checkpoint)
    {
        var resumed = Train(create(), data, settings, folder: null, resume: checkpoint, stopAfter: null);
        Assert.Equal(whole.Losses.Skip(checkpoint.Step), resumed.Losses);
        Assert.Equal(whole.Evals.Where(e => e.Step > checkpoint.Step).Select(Figures), resumed.Evals.Select(Figures));
        Assert.Equal(whole.Updates.Where(u => u.Step > checkpoint.Step).Select(u => (u.Step, u.LossBefore, u.LossAfter)),
            resumed.Updates.Select(u => (u.Step, u.LossBefore, u.LossAfter)));
        foreach (var (a, b) in whole.Network.Layers.OfType<Linear>().Zip(resumed.Network.Layers.OfType<Linear>()))
        {
            Assert.Equal(a.Weight.Format.ActiveUnits(), b.Weight.Format.ActiveUnits());
            Assert.Equal(a.Weight.Format.GetType(), b.Weight.Format.GetType());
        }

        foreach (var (a, b) in whole.Network.Parameters.Zip(resumed.Network.Parameters))
        {
            Assert.Equal(Bits(a.Values), Bits(b.Values));
            Assert.Equal(a.Slots.Select(Bits), b.Slots.Select(Bits));
            Assert.Equal(a.Ages?.ToArray(), b.Ages?.ToArray());
        }
    }

    private static (int, double, double, double, double, long) Figures(EvalPoint e) => (e.Step, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.SamplesSeen);

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private sealed record Run(ISparseNetwork Network, List<double> Losses, List<EvalPoint> Evals, List<TopologyUpdate> Updates);

    private static Run Train(ISparseNetwork network, Dataset data, TrainingSettings settings, CheckpointFolder? folder, TrainingCheckpoint? resume, int? stopAfter)
    {
        var log = TrainingLog.Record(new Trainer(network, data, settings), (t, c) => t.Run(c), folder, Every, resume, stopAfter);
        return new Run(network, log.Losses, log.Evals, log.Updates);
    }
}
