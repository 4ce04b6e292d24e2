using ILGPU;
using ILGPU.Runtime.CPU;
using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Sparse;
using SparseDsl.Training;
using SparseDsl.Training.Device;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

// Two small language models for the device path on the emulator: GPT-style (gelu, layer norm, learned positions, tied
// head) and LLaMA-style (swiglu, RMS norm, rotary positions, untied head; its blocks can be block-CSR, below).
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class DeviceGptLm
{
    [Embedding(vocab: 256, dim: 16, Context = 8), KeepDense]
    public partial Layer Tokens { get; }

    [TransformerBlock(heads: 2, MlpRatio = 2, Count = 2)]
    public partial Layer Blocks { get; }

    [LayerNorm]
    public partial Layer Final { get; }

    [Unembedding(TiedTo = nameof(Tokens)), KeepDense]
    public partial Layer Head { get; }
}

[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class DeviceLlamaLm
{
    [Embedding(vocab: 256, dim: 16, Context = 8), KeepDense]
    public partial Layer Tokens { get; }

    [TransformerBlock(heads: 2, MlpRatio = 2, Count = 2, Mlp = "swiglu", Norm = "rmsnorm", Positions = "rotary")]
    public partial Layer Blocks { get; }

    [LayerNorm]
    public partial Layer Final { get; }

    [Unembedding, KeepDense]
    public partial Layer Head { get; }
}

// The block's own pattern on its MLP only (Target = "mlp"): the attention matrices follow the model's sparsity,
// unstructured, so the device needs the D → D shape's CSR kernels and the MLP shapes' 4×4 tiles.
[SparseModel(Loss = Loss.NextToken, Sparsity = 0.5, Distribution = Distribution.Uniform)]
public partial class DeviceTargetLm
{
    [Embedding(vocab: 256, dim: 16, Context = 8), KeepDense]
    public partial Layer Tokens { get; }

    [TransformerBlock(heads: 2, MlpRatio = 2, Count = 1), Sparse("block 4x4", 0.5, Target = "mlp")]
    public partial Layer Blocks { get; }

    [LayerNorm]
    public partial Layer Final { get; }

    [Unembedding(TiedTo = nameof(Tokens)), KeepDense]
    public partial Layer Head { get; }
}

// The 'pattern' axis makes the generator write DeviceLlamaLm's 4×4 block-CSR kernels, the 'width' axis its kernels at 24.
[Experiment(typeof(DeviceLlamaLm), Data = "brown", Steps = 10, Batch = 2)]
[Grid("pattern", "'block 4x4'")]
[Grid("width", "16, 24")]
public static partial class DeviceLlamaLmPatterns;

/// <summary>
/// A language model on the device path (the generated GpuKernels of its block matrices, the runtime's transformer
/// kernels around them, every buffer on the device) on ILGPU's CPU accelerator, against the CPU network from the same
/// seed: the same gradients for every parameter, then the same losses step by step while training under a dynamic schedule.
/// </summary>
public sealed class DeviceLanguageModelTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TokenCorpus Corpus = TokenCorpus.Create(
        "text:device",
        [new TextDocument("device", string.Concat(Enumerable.Range(0, 40).Select(i => $"line {i}: sparse models on a device, {i % 5} times. ")))],
        validationFraction: 0.2);

    private readonly Context context = Context.Create(builder => builder.CPU().EnableAlgorithms());

    public void Dispose() => context.Dispose();

    public static TheoryData<string, string?> Models => new()
    {
        { nameof(DeviceGptLm), null },
        { nameof(DeviceLlamaLm), null },
        { nameof(DeviceLlamaLm), "block 4x4" },
        { nameof(DeviceTargetLm), null },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void OneStep_GivesTheCpuGradientOfEveryParameter(string model, string? pattern)
    {
        var options = Options(pattern, schedule: null);
        ITokenNetwork cpu = Create(model, options), host = Create(model, options);
        if (pattern is not null)
        {
            Assert.All(host.Matrices, m => Assert.IsType<BlockCsrFormat>(m.Weight.Format));
        }

        if (model == nameof(DeviceTargetLm))
        {
            // q, k, v, o unstructured (CSR) at the model's sparsity; up and down in the block's own 4×4 tiles.
            Assert.Equal(["Csr", "Csr", "Csr", "Csr", "BlockCsr", "BlockCsr"], host.Matrices.Select(m => m.Weight.Format.GetType().Name.Replace("Format", "")));
        }

        var random = new Random(7);
        int sequences = 3, n = sequences * cpu.Context;
        int[] ids = [.. Enumerable.Range(0, n).Select(_ => random.Next(cpu.Vocab))];
        int[] targets = [.. Enumerable.Range(0, n).Select(_ => random.Next(cpu.Vocab))];
        double cpuLoss = cpu.ForwardBackward(ids, targets, sequences);

        using var accelerator = context.CreateCPUAccelerator(0);
        using var device = ((IDeviceTokenNetworkSource)host).CreateDeviceNetwork(accelerator);
        double deviceLoss = device.ForwardBackward(ids, targets, sequences);
        device.CopyToHost();

        Assert.Equal(cpuLoss, deviceLoss, 1e-5 * cpuLoss);
        Assert.Equal(cpu.Parameters.Count, device.Parameters.Count);
        for (int p = 0; p < cpu.Parameters.Count; p++)
        {
            var expected = cpu.Parameters[p];
            Assert.Equal(expected.Name, host.Parameters[p].Name);
            Assert.True(expected.Grad.Any(g => g != 0), $"{expected.Name}: the CPU gradient is all zero, the comparison would prove nothing");
            TensorAssert.Close(expected.Grad.Select(g => (double)g).ToArray(), host.Parameters[p].Grad, 1e-5, 2e-3, expected.Name);
        }

        var (cpuEval, cpuHits) = cpu.Evaluate(ids, targets, sequences);
        var (deviceEval, deviceHits) = device.Evaluate(ids, targets, sequences);
        Assert.Equal(cpuEval, deviceEval, 1e-5 * cpuEval);
        Assert.Equal(cpuHits, deviceHits);
    }

    [Theory]
    [InlineData(nameof(DeviceGptLm), null, "set every=4 drop=0.3")]
    [InlineData(nameof(DeviceLlamaLm), "block 4x4", "rigl every=4 drop=0.3")]
    public void Training_MatchesTheCpuLossPerStep_UnderADynamicSchedule(string model, string? pattern, string scheduleText)
    {
        const int Steps = 12;
        var schedule = Expressions.ParseSchedule(scheduleText).Value!;
        var optimizer = Expressions.ParseOptimizer("adamw lr=1e-2 wd=0.1").Value!;
        var settings = new TrainingSettings(Steps, Batch: 2, EvalEvery: 6, optimizer, Loss.NextToken, 3, schedule);

        var cpuNetwork = Create(model, Options(pattern, schedule));
        var cpu = new TrainingLog([], [], []);
        new TokenTrainer(cpuNetwork, Corpus, settings)
        {
            EvalSequences = 8, StepCompleted = (_, loss) => cpu.Losses.Add(loss), Evaluated = cpu.Evals.Add, TopologyUpdated = cpu.Updates.Add,
        }.Run();

        var host = Create(model, Options(pattern, schedule));
        using var accelerator = context.CreateCPUAccelerator(0);
        using var network = ((IDeviceTokenNetworkSource)host).CreateDeviceNetwork(accelerator);
        var device = new TrainingLog([], [], []);
        new DeviceTokenTrainer(network, Corpus, settings)
        {
            EvalSequences = 8, StepCompleted = (_, loss) => device.Losses.Add(loss), Evaluated = device.Evals.Add, TopologyUpdated = device.Updates.Add,
        }.Run();

        Assert.Equal(Steps, device.Losses.Count);
        for (int step = 0; step < Steps; step++)
        {
            double relative = Math.Abs(cpu.Losses[step] - device.Losses[step]) / cpu.Losses[step];
            Assert.True(relative <= 1e-3, $"step {step + 1}: cpu loss {cpu.Losses[step]}, device loss {device.Losses[step]}");
        }

        Assert.Equal(cpu.Evals.Select(e => (e.Step, e.SamplesSeen)), device.Evals.Select(e => (e.Step, e.SamplesSeen)));
        Assert.Equal(cpu.Evals[^1].TestLoss, device.Evals[^1].TestLoss, 1e-3 * cpu.Evals[^1].TestLoss);
        Assert.Equal(cpu.Updates.Select(u => u.Step), device.Updates.Select(u => u.Step));
        Assert.NotEmpty(device.Updates);
        Assert.Equal(
            cpu.Updates.SelectMany(u => u.Layers).Select(l => (l.Layer, l.Dropped, l.Grown, l.Density)),
            device.Updates.SelectMany(u => u.Layers).Select(l => (l.Layer, l.Dropped, l.Grown, l.Density)));
        Assert.Contains(device.Updates[0].Layers, l => l.Dropped > 0); // later ones may move nothing: the drop fraction anneals
        foreach (var (a, b) in cpuNetwork.Matrices.Zip(host.Matrices))
        {
            Assert.Equal(a.Weight.Format.ActiveUnits(), b.Weight.Format.ActiveUnits()); // the same masks moved the same way
        }

        output.WriteLine($"{model} {pattern} {scheduleText}: losses {cpu.Losses[0]:F4} → {cpu.Losses[^1]:F4} (cpu), {device.Losses[0]:F4} → {device.Losses[^1]:F4} (device)");
    }

    [Fact]
    public void StudyRunner_OnTheEmulator_TrainsALanguageModelAtAGridWidth_IntoTheStore()
    {
        // What `run --backend ilgpu-cpu` does for a language model: width 24 from the grid, 4×4 blocks, SET.
        string folder = Directory.CreateTempSubdirectory("sparsedsl-device-lm-").FullName;
        try
        {
            string text = Path.Combine(folder, "tiny.txt");
            File.WriteAllText(text, string.Concat(Enumerable.Repeat("sparse networks learn short texts by heart, line after line. ", 20)));
            var study = new StudyDefinition(
                "DeviceLmStudy", DeviceLlamaLm.Spec, "text:" + text, Steps: 12, Batch: 2, EvalEvery: 6, "adamw lr=1e-2 wd=0", "set every=4 drop=0.3",
                [new GridAxisText("width", "24"), new GridAxisText("pattern", "'block 4x4'"), new GridAxisText("sparsity", "0.5")], options => new DeviceLlamaLm(options));
            using var backend = DeviceBackend.Open("ilgpu-cpu");
            using IResultStore store = ResultStores.Open(Path.Combine(folder, "results.db"));
            var point = StudyPlan.Resolve(study).Single();
            var summary = new StudyRunner(study, store, TextCatalog.Resolve(study.Data)) { Accelerator = backend.Accelerator }.Run(point);

            RunRecord run = store.GetRun(point.Id)!;
            Assert.Equal(RunStatus.Finished, run.Status);
            Assert.Equal(new long[] { 6, 12 }, store.GetEvals(point.Id).Select(e => e.Step));
            Assert.True(summary.Final.TestLoss < store.GetEvals(point.Id)[0].TestLoss || summary.Final.TestLoss < Math.Log(256), $"validation loss {summary.Final.TestLoss}");
            var built = new DeviceLlamaLm(new NetworkOptions(0.5, Distribution.Uniform, 1, Expressions.ParsePattern("block 4x4").Value) { Width = 24 });
            Assert.Equal(24, built.Width);
            Assert.Equal(built.Matrices.Sum(m => m.ActiveWeights), run.ActiveParameters); // SET kept every count
            Assert.NotEmpty(store.GetMetrics(point.Id, TopologyMetrics.Prefix));
            var figures = store.GetMetrics(point.Id, RunFigures.Prefix).ToDictionary(m => m.Name, m => m.Value);
            Assert.Equal(12.0 * 2 * 8, figures[RunFigures.Tokens]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void StoppedDeviceLanguageModelResumed_EqualsTheUninterruptedDeviceRunBitForBit()
    {
        // RigL on 4×4 blocks of a rotary SwiGLU model, AdamW with moment warm-up (per-weight ages): stopped after step 17,
        // resumed from the checkpoint at 14 in a fresh network on a fresh device network.
        const int Steps = 24, Every = 7, StopAfter = 17;
        var schedule = Expressions.ParseSchedule("rigl every=5 drop=0.3").Value!;
        var optimizer = Expressions.ParseOptimizer("adamw lr=1e-2 wd=0.1 moment-warmup=4").Value!;
        var regime = DataRegime.ForTokens(uniqueTokens: 12 * 8, context: 8, epochs: 10);
        var settings = new TrainingSettings(Steps, Batch: 2, EvalEvery: 10, optimizer, Loss.NextToken, 3, schedule, regime);
        using var accelerator = context.CreateCPUAccelerator(0);

        var whole = TrainOnDevice(accelerator, settings, folder: null, resume: null, stopAfter: null, Every);
        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-device-lm-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = new CheckpointFolder(path);
            var stopped = TrainOnDevice(accelerator, settings, folder, resume: null, StopAfter, Every);
            Assert.Equal(whole.Log.Losses.Take(StopAfter), stopped.Log.Losses);
            var checkpoint = folder.LoadLatest(warning => Assert.Fail(warning))!;
            Assert.Equal(14, checkpoint.Step);

            var resumed = TrainOnDevice(accelerator, settings, folder: null, checkpoint, stopAfter: null, Every);

            Assert.Equal(whole.Log.Losses.Skip(14), resumed.Log.Losses);
            Assert.Equal(whole.Log.Evals.Where(e => e.Step > 14).Select(e => (e.Step, e.TestLoss, e.TestAccuracy, e.SamplesSeen)),
                resumed.Log.Evals.Select(e => (e.Step, e.TestLoss, e.TestAccuracy, e.SamplesSeen)));
            Assert.Equal(whole.Log.Updates.Where(u => u.Step > 14).Select(u => (u.Step, u.LossBefore, u.LossAfter)), resumed.Log.Updates.Select(u => (u.Step, u.LossBefore, u.LossAfter)));
            Assert.NotEmpty(resumed.Log.Updates);
            foreach (var (a, b) in whole.Network.Matrices.Zip(resumed.Network.Matrices))
            {
                Assert.Equal(a.Weight.Format.ActiveUnits(), b.Weight.Format.ActiveUnits());
            }

            foreach (var (a, b) in whole.Network.Parameters.Zip(resumed.Network.Parameters))
            {
                Assert.Equal(a.Values.Select(BitConverter.SingleToInt32Bits), b.Values.Select(BitConverter.SingleToInt32Bits));
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

    private static (ITokenNetwork Network, TrainingLog Log) TrainOnDevice(
        ILGPU.Runtime.Accelerator accelerator, TrainingSettings settings, CheckpointFolder? folder, TrainingCheckpoint? resume, int? stopAfter, int every)
    {
        var host = Create(nameof(DeviceLlamaLm), Options("block 4x4", settings.Schedule));
        using var network = ((IDeviceTokenNetworkSource)host).CreateDeviceNetwork(accelerator);
        var trainer = new DeviceTokenTrainer(network, Corpus, settings) { EvalSequences = 8 };
        var log = TrainingLog.Record(trainer, (t, c) => t.Run(c), folder, every, resume, stopAfter);
        return (host, log);
    }

    private static NetworkOptions Options(string? pattern, SparsityScheduleSpec? schedule) =>
        new(0.5, Distribution.Uniform, 11, pattern is null ? null : Expressions.ParsePattern(pattern).Value, schedule);

    private static ITokenNetwork Create(string model, NetworkOptions options) => model switch
    {
        nameof(DeviceGptLm) => new DeviceGptLm(options),
        nameof(DeviceTargetLm) => new DeviceTargetLm(options),
        _ => new DeviceLlamaLm(options),
    };

}
