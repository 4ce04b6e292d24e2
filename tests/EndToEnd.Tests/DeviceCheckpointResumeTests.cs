using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;
using SparseDsl.Training.Device;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// <see cref="CheckpointResumeTests"/> on the device path (ILGPU's CPU accelerator, the code path CUDA takes): a device
/// run stopped after a checkpoint and resumed in a fresh network, device network and trainer logs the same losses,
/// evaluations and topology updates, and ends with the same device values, optimizer slots, ages and masks, bit for
/// bit, as the device run that never stopped. Shapes are small: the emulator is slow.
/// </summary>
public sealed class DeviceCheckpointResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int Steps = 30;
    private const int StopAfter = 24; // the simulated crash: after step 24, between checkpoints 21 and 28
    private const int Every = 7;

    private static readonly Dataset Data = SyntheticData.Create(new SyntheticOptions(Seed: 3, Features: 8, Classes: 4, TrainCount: 256, TestCount: 64));

    private readonly Context context = Context.Create(builder => builder.CPU().EnableAlgorithms());

    public void Dispose() => context.Dispose();

    /// <summary>
    /// RigL (its grow score from the device's gradients) with per-weight ages (moment-warmup); SET with AdamW's shared
    /// step, whose bias corrections go wrong unless the device optimizer's step count is restored; SMET (ages, density-
    /// aware learning rate); gradual pruning from dense with SGD momentum (one slot): the device network is built dense and the checkpoint is CSR.
    /// </summary>
    [Theory]
    [InlineData("rigl every=5 drop=0.3 cosine until=90%", "adamw lr=1e-2 wd=1e-4 moment-warmup=5")]
    [InlineData("set every=5 drop=0.3", "adamw lr=1e-2 wd=1e-4")]
    [InlineData("smet every=5", "adamw lr=1e-2 moment-warmup=5 density-lr=1")]
    [InlineData("gmp from=0 to=0.5 every=5 start=0 end=90%", "sgd lr=0.2 momentum=0.9")]
    public void StoppedDeviceRunResumedFromItsCheckpoint_EqualsTheUninterruptedDeviceRunBitForBit(string scheduleText, string optimizerText)
    {
        var schedule = Expressions.ParseSchedule(scheduleText).Value!;
        var optimizer = SmetMethod.EffectiveOptimizer(Expressions.ParseOptimizer(optimizerText).Value!, schedule);
        var settings = new TrainingSettings(Steps, Batch: 16, EvalEvery: 10, optimizer, Loss.SoftmaxCrossEntropy, Seed: 5, schedule);
        var options = new NetworkOptions(0.5, Distribution.Uniform, 11, Schedule: schedule);

        var whole = Train(options, settings, folder: null, resume: null, stopAfter: null);
        Assert.Contains(whole.Updates, u => u.Step > 21); // an update after the newest checkpoint the run resumes from
        Assert.Equal(optimizerText.Contains("moment-warmup", StringComparison.Ordinal), whole.State.Any(p => p.Ages is not null));

        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-device-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new CheckpointFolder(path);
            var stopped = Train(options, settings, folder, resume: null, stopAfter: StopAfter);
            Assert.Equal(whole.Losses.Take(StopAfter), stopped.Losses);
            Assert.Equal([21, 14], folder.Files().Select(f => f.Step));

            var newest = folder.LoadLatest(warning => Assert.Fail(warning))!;
            Assert.Equal((21, 21), (newest.Step, newest.OptimizerSteps));
            // Every parameter's moments are in it (a bias's too: only a download from the device puts them on the host).
            Assert.All(newest.Parameters, p => Assert.Contains(p.Slots[0], v => v != 0f));
            AssertResumeMatches(whole, options, settings, newest, scheduleText);

            // The older one (step 14) as well: a resume that goes through more updates.
            AssertResumeMatches(whole, options, settings, CheckpointFile.Read(folder.Files()[1].File), scheduleText);
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    private void AssertResumeMatches(Run whole, NetworkOptions options, TrainingSettings settings, TrainingCheckpoint checkpoint, string scheduleText)
    {
        var resumed = Train(options, settings, folder: null, resume: checkpoint, stopAfter: null);
        Assert.Equal(whole.Losses.Skip(checkpoint.Step), resumed.Losses);
        Assert.Equal(whole.Evals.Where(e => e.Step > checkpoint.Step).Select(Figures), resumed.Evals.Select(Figures));
        Assert.Equal(whole.Updates.Where(u => u.Step > checkpoint.Step).Select(u => (u.Step, u.LossBefore, u.LossAfter)),
            resumed.Updates.Select(u => (u.Step, u.LossBefore, u.LossAfter)));
        Assert.Equal(whole.Updates.Where(u => u.Step > checkpoint.Step).SelectMany(u => u.Layers), resumed.Updates.SelectMany(u => u.Layers));
        Assert.Equal(whole.Masks.Select(m => m.Format), resumed.Masks.Select(m => m.Format));
        Assert.Equal(whole.Masks.Select(m => m.Units), resumed.Masks.Select(m => m.Units));
        Assert.Equal(whole.State.Count, resumed.State.Count);
        foreach (var (a, b) in whole.State.Zip(resumed.State))
        {
            Assert.Equal(a.Values, b.Values);
            Assert.Equal(a.Slots, b.Slots);
            Assert.Equal(a.Ages, b.Ages);
        }

        output.WriteLine($"{scheduleText}: resumed at step {checkpoint.Step}; {resumed.Losses.Count} losses, {resumed.Evals.Count} evaluation(s), {resumed.Updates.Count} update(s) "
            + $"(steps {string.Join(", ", resumed.Updates.Select(u => u.Step))}) and the final device state bit for bit; checkpoint's active units {string.Join(", ", checkpoint.Parameters.Select(p => p.ActiveUnits?.Length))}, at the end {string.Join(", ", whole.Masks.Select(m => $"{m.Format.Name} {m.Units.Length}"))}");
    }

    private static (int, double, double, double, double, long) Figures(EvalPoint e) => (e.Step, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.SamplesSeen);

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    /// <summary>One device parameter at the end of a run, read off the device: value bits, slot bits, ages (widened).</summary>
    private sealed record DeviceState(int[] Values, int[][] Slots, int[]? Ages);

    private sealed record Run(List<double> Losses, List<EvalPoint> Evals, List<TopologyUpdate> Updates, List<DeviceState> State, List<(Type Format, int[] Units)> Masks);

    private Run Train(NetworkOptions options, TrainingSettings settings, CheckpointFolder? folder, TrainingCheckpoint? resume, int? stopAfter)
    {
        var host = new DeviceMlp(options);
        using var accelerator = context.CreateCPUAccelerator(0);
        using var network = ((IDeviceNetworkSource)host).CreateDeviceNetwork(accelerator);
        var log = TrainingLog.Record(new DeviceTrainer(network, Data, settings), (t, c) => t.Run(c), folder, Every, resume, stopAfter);
        var (losses, evals, updates) = (log.Losses, log.Evals, log.Updates);
        accelerator.Synchronize();
        var state = network.Parameters.Select(p => new DeviceState(
            Bits(p.Values.GetAsArray1D()),
            [.. p.Slots.Select(s => Bits(s.GetAsArray1D()))],
            p.NarrowAges?.GetAsArray1D().Select(a => (int)a).ToArray() ?? p.WideAges?.GetAsArray1D())).ToList();
        var masks = host.Layers.OfType<Linear>().Select(l => (l.Weight.Format.GetType(), l.Weight.Format.ActiveUnits())).ToList();
        return new Run(losses, evals, updates, state, masks);
    }
}
