using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ILGPU;
using ILGPU.Runtime.CPU;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Sparse;
using SparseDsl.Training;
using SparseDsl.Training.Device;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// Dynamic schedules on the device path (ILGPU's CPU accelerator, the code path CUDA takes): the update runs on the
/// host over the downloaded state and the changed layers go up again; the device gives the CPU trainer's per-step
/// losses through the updates, with the same masks, for CSR, block-CSR (tiles and rows) and dense layers.
/// </summary>
public sealed class DeviceDynamicSparsityTests(ITestOutputHelper output) : IDisposable
{
    private const double RelativeTolerance = 1e-3;
    private const int Steps = 30;

    private static readonly Dataset PatternData = SyntheticData.Create(new SyntheticOptions(Seed: 6, Features: 32, Classes: 4, TrainCount: 256, TestCount: 64));

    private readonly Context context = Context.Create(builder => builder.CPU().EnableAlgorithms());

    public void Dispose() => context.Dispose();

    [Theory]
    [InlineData("set every=5 drop=0.3", "adamw lr=1e-2")]
    [InlineData("rigl every=5 drop=0.3 cosine until=80%", "adamw lr=1e-2")]
    [InlineData("smet every=5", "adamw lr=1e-2 moment-warmup=5 density-lr=1")]
    [InlineData("gmp from=0 to=0.5 every=5 start=0 end=60%", "sgd lr=0.2 momentum=0.9")]
    public void DeviceUpdates_SameMasksAndPerStepLossesAsCpu(string scheduleText, string optimizerText)
    {
        var data = SyntheticData.Create(new SyntheticOptions(Seed: 3, Features: 8, Classes: 4, TrainCount: 256, TestCount: 64));
        var schedule = Expressions.ParseSchedule(scheduleText).Value!;
        var options = new NetworkOptions(0.5, Distribution.Uniform, 11, Schedule: schedule);
        TrainBoth(o => new DeviceMlp(o), options, data, scheduleText, optimizerText);
    }

    /// <summary>
    /// PatternMlp's own 8×8 tiles and whole rows (and its 2:4 layer: the N:M format on an AVX-512 host, CSR elsewhere;
    /// CSR on the device either way) through updates: SET keeps each layer's tile
    /// count; gradual pruning starts the rows layer dense and turns it block-CSR at its first update on the device too.
    /// </summary>
    [Theory]
    [InlineData("set every=5 drop=0.3", "adamw lr=1e-2")]
    [InlineData("gmp from=0 to=0.5 every=5 start=0 end=60%", "sgd lr=0.2 momentum=0.9")]
    public void BlockAndRowsLayers_SameMasksAndPerStepLossesAsCpu(string scheduleText, string optimizerText)
    {
        var schedule = Expressions.ParseSchedule(scheduleText).Value!;
        var options = new NetworkOptions(0, Distribution.Uniform, 12, Schedule: schedule);
        var formats = TrainBoth(o => new PatternMlp(o), options, PatternData, scheduleText, optimizerText);
        Type nOfM = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? typeof(NOfMFormat) : typeof(CsrFormat);
        Assert.Equal([typeof(BlockCsrFormat), nOfM, typeof(BlockCsrFormat), typeof(DenseFormat)], formats);
    }

    /// <summary>Tiles from the 'pattern' grid axis (GridBlockStudy): the kernels the generator printed for the grid's values.</summary>
    [Theory]
    [InlineData("block 2x8")]
    [InlineData("rows")]
    public void GridPatternLayer_SameMasksAndPerStepLossesAsCpu(string patternText)
    {
        var schedule = Expressions.ParseSchedule("set every=5 drop=0.3").Value!;
        var options = new NetworkOptions(0.75, Distribution.Uniform, 13, Expressions.ParsePattern(patternText).Value!, schedule);
        var formats = TrainBoth(o => new GridBlockMlp(o), options, PatternData, "set every=5 drop=0.3", "adamw lr=1e-2");
        Assert.Equal([typeof(BlockCsrFormat), typeof(DenseFormat)], formats);
    }

    /// <summary>
    /// Trains one network on the CPU and its twin on the emulator from the same seed; asserts the same update steps, the
    /// same per-layer records and final masks, every per-step loss and the losses around each update within
    /// <see cref="RelativeTolerance"/>, and the same training state. Returns the final formats of the weight layers.
    /// </summary>
    private Type[] TrainBoth(Func<NetworkOptions, ISparseNetwork> create, NetworkOptions options, Dataset data, string scheduleText, string optimizerText)
    {
        var schedule = options.Schedule!;
        var settings = new TrainingSettings(Steps, Batch: 16, EvalEvery: 10, Expressions.ParseOptimizer(optimizerText).Value!, Loss.SoftmaxCrossEntropy, Seed: 5, schedule);

        var cpuNetwork = create(options);
        var cpuLosses = new List<double>();
        var cpuUpdates = new List<TopologyUpdate>();
        var cpu = new Trainer(cpuNetwork, data, settings) { StepCompleted = (_, loss) => cpuLosses.Add(loss), TopologyUpdated = cpuUpdates.Add }.Run();

        var hostNetwork = create(options);
        using var accelerator = context.CreateCPUAccelerator(0);
        using var deviceNetwork = ((IDeviceNetworkSource)hostNetwork).CreateDeviceNetwork(accelerator);
        var deviceLosses = new List<double>();
        var deviceUpdates = new List<TopologyUpdate>();
        var device = new DeviceTrainer(deviceNetwork, data, settings) { StepCompleted = (_, loss) => deviceLosses.Add(loss), TopologyUpdated = deviceUpdates.Add }.Run();

        Assert.NotEmpty(cpuUpdates);
        Assert.Equal(cpuUpdates.Select(u => u.Step), deviceUpdates.Select(u => u.Step));
        Assert.Equal(cpuUpdates.SelectMany(u => u.Layers), deviceUpdates.SelectMany(u => u.Layers));
        var cpuLayers = cpuNetwork.Layers.OfType<Linear>().ToList();
        var hostLayers = hostNetwork.Layers.OfType<Linear>().ToList();
        for (int l = 0; l < cpuLayers.Count; l++)
        {
            Assert.Equal(cpuLayers[l].Weight.Format.GetType(), hostLayers[l].Weight.Format.GetType());
            Assert.Equal(cpuLayers[l].Weight.Format.ActiveUnits(), hostLayers[l].Weight.Format.ActiveUnits());
        }

        double worst = 0;
        for (int step = 0; step < Steps; step++)
        {
            double relative = Math.Abs(cpuLosses[step] - deviceLosses[step]) / Math.Max(1e-6, Math.Abs(cpuLosses[step]));
            worst = Math.Max(worst, relative);
            Assert.True(relative <= RelativeTolerance, $"step {step + 1}: cpu loss {cpuLosses[step]}, device loss {deviceLosses[step]} (relative {relative:E2})");
        }

        foreach (var (c, d) in cpuUpdates.Zip(deviceUpdates))
        {
            Assert.Equal(c.LossBefore, d.LossBefore, RelativeTolerance * Math.Abs(c.LossBefore));
            Assert.Equal(c.LossAfter, d.LossAfter, RelativeTolerance * Math.Abs(c.LossAfter));
        }

        output.WriteLine($"{hostNetwork.GetType().Name} ({options.Pattern?.ToString() ?? "declared patterns"}) {scheduleText}: {cpuUpdates.Count} updates, worst per-step relative loss difference {worst:E2}");
        Assert.Equal(cpu.TrainingStateBytes, device.TrainingStateBytes);
        for (int p = 0; p < cpuNetwork.Parameters.Count; p++)
        {
            TensorAssert.Close(cpuNetwork.Parameters[p].Values.Select(v => (double)v).ToArray(), hostNetwork.Parameters[p].Values, 1e-4, 1e-3, cpuNetwork.Parameters[p].Name);
        }

        return hostLayers.Select(l => l.Weight.Format.GetType()).ToArray();
    }
}
