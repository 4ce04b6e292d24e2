using ILGPU;
using ILGPU.Runtime.CPU;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;
using SparseDsl.Training.Device;
using Xunit.Abstractions;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// Dynamic schedules on the device path (ILGPU's CPU accelerator, the code path CUDA takes): the update runs on the
/// host over the downloaded state and the changed layers go up again; the device gives the CPU trainer's per-step
/// losses through the updates, with the same masks.
/// </summary>
public sealed class DeviceDynamicSparsityTests(ITestOutputHelper output) : IDisposable
{
    private const double RelativeTolerance = 1e-3;
    private const int Steps = 30;

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
        var settings = new TrainingSettings(Steps, Batch: 16, EvalEvery: 10, Expressions.ParseOptimizer(optimizerText).Value!, Loss.SoftmaxCrossEntropy, Seed: 5, schedule);
        var options = new NetworkOptions(0.5, Distribution.Uniform, 11, Schedule: schedule);

        var cpuNetwork = new DeviceMlp(options);
        var cpuLosses = new List<double>();
        var cpuUpdates = new List<TopologyUpdate>();
        var cpu = new Trainer(cpuNetwork, data, settings) { StepCompleted = (_, loss) => cpuLosses.Add(loss), TopologyUpdated = cpuUpdates.Add }.Run();

        var hostNetwork = new DeviceMlp(options);
        using var accelerator = context.CreateCPUAccelerator(0);
        using var deviceNetwork = hostNetwork.CreateDeviceNetwork(accelerator);
        var deviceLosses = new List<double>();
        var deviceUpdates = new List<TopologyUpdate>();
        var device = new DeviceTrainer(deviceNetwork, data, settings) { StepCompleted = (_, loss) => deviceLosses.Add(loss), TopologyUpdated = deviceUpdates.Add }.Run();

        Assert.NotEmpty(cpuUpdates);
        Assert.Equal(cpuUpdates.Select(u => u.Step), deviceUpdates.Select(u => u.Step));
        Assert.Equal(cpuUpdates.SelectMany(u => u.Layers), deviceUpdates.SelectMany(u => u.Layers));
        Assert.Equal(((Linear)cpuNetwork.Hidden).Weight.Format.ActiveUnits(), ((Linear)hostNetwork.Hidden).Weight.Format.ActiveUnits());
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

        output.WriteLine($"{scheduleText}: {cpuUpdates.Count} updates, worst per-step relative loss difference {worst:E2}");
        Assert.Equal(cpu.TrainingStateBytes, device.TrainingStateBytes);
        for (int p = 0; p < cpuNetwork.Parameters.Count; p++)
        {
            TensorAssert.Close(cpuNetwork.Parameters[p].Values.Select(v => (double)v).ToArray(), hostNetwork.Parameters[p].Values, 1e-4, 1e-3, cpuNetwork.Parameters[p].Name);
        }
    }

    [Fact]
    public void BlockLayer_IsRefusedInOneLine()
    {
        var host = new PatternMlp(new NetworkOptions(0, Distribution.Uniform, 1));
        using var accelerator = context.CreateCPUAccelerator(0);
        var refused = Assert.Throws<NotSupportedException>(() => host.CreateDeviceNetwork(accelerator));
        Assert.Equal("Tiles is a block layer; the device backends run dense, unstructured and N:M (CSR) layers only in this version; use --backend cpu", refused.Message);
    }
}
