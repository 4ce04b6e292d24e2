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

/// <summary>
/// The device training path (generated GpuKernels + the runtime's loss and optimizer kernels, everything resident in
/// device buffers) on ILGPU's CPU accelerator — the code path CUDA takes — against the vectorized CPU trainer,
/// from the same seed and the same batches.
/// </summary>
public sealed class DeviceTrainingTests(ITestOutputHelper output) : IDisposable
{
    // float32 on both sides but different summation orders (tiled SIMD GEMM vs one sum per output): the
    // per-step losses may drift apart by rounding, not by more.
    private const double RelativeTolerance = 1e-3;
    private const int Steps = 20;

    private readonly Context context = Context.Create(builder => builder.CPU().EnableAlgorithms());

    public void Dispose() => context.Dispose();

    [Theory]
    [InlineData("adamw lr=1e-2 wd=0.01", Loss.SoftmaxCrossEntropy)]
    [InlineData("sgd lr=0.2 momentum=0.9", Loss.SoftmaxCrossEntropy)]
    [InlineData("sgd lr=0.1 momentum=0.9 nesterov", Loss.SoftmaxCrossEntropy)]
    [InlineData("adamw lr=5e-2 wd=0.01 warmup=2 cosine moment-warmup=4", Loss.SoftmaxCrossEntropy)]
    [InlineData("adamw lr=5e-2 wd=0.01 betas=0.9,0.9999 moment-warmup=4", Loss.SoftmaxCrossEntropy)] // ages in 4 bytes (cap 207,934)
    [InlineData("adamw lr=1e-2 betas=0.3,0.3 moment-warmup=2", Loss.SoftmaxCrossEntropy)] // ages saturate at 18 within the run
    [InlineData("adamw lr=1e-2", Loss.MeanSquaredError)]
    [InlineData("sgd lr=0.5 momentum=0.9", Loss.MeanSquaredError)]
    public void DeviceTraining_MatchesCpuLossPerStep_AndLossFalls(string optimizerText, Loss loss)
    {
        var data = SyntheticData.Create(new SyntheticOptions(Seed: 3, Features: 8, Classes: 4, TrainCount: 256, TestCount: 64));
        var optimizer = Expressions.ParseOptimizer(optimizerText);
        Assert.True(optimizer.Success, optimizerText);
        var settings = new TrainingSettings(Steps, Batch: 16, EvalEvery: 10, optimizer.Value!, loss, Seed: 5);
        var options = new NetworkOptions(0.5, Distribution.Uniform, 11);

        var cpuNetwork = new DeviceMlp(options);
        var cpuLosses = new List<double>();
        var cpu = new Trainer(cpuNetwork, data, settings) { StepCompleted = (_, loss) => cpuLosses.Add(loss) }.Run();

        // A second network from the same options: the same masks and initial weights, copied to the device.
        var hostNetwork = new DeviceMlp(options);
        Assert.IsType<CsrFormat>(((Linear)hostNetwork.Hidden).Weight.Format);
        using var accelerator = context.CreateCPUAccelerator(0);
        using var deviceNetwork = hostNetwork.CreateDeviceNetwork(accelerator);
        var deviceLosses = new List<double>();
        var device = new DeviceTrainer(deviceNetwork, data, settings) { StepCompleted = (_, loss) => deviceLosses.Add(loss) }.Run();

        Assert.Equal(Steps, deviceLosses.Count);
        double worst = 0;
        for (int step = 0; step < Steps; step++)
        {
            double relative = Math.Abs(cpuLosses[step] - deviceLosses[step]) / Math.Max(1e-6, Math.Abs(cpuLosses[step]));
            worst = Math.Max(worst, relative);
            Assert.True(relative <= RelativeTolerance, $"step {step + 1}: cpu loss {cpuLosses[step]}, device loss {deviceLosses[step]} (relative {relative:E2})");
        }

        output.WriteLine($"{optimizerText}, {loss}: losses {cpuLosses[0]:F4} → {cpuLosses[^1]:F4} (cpu), {deviceLosses[0]:F4} → {deviceLosses[^1]:F4} (device); worst per-step relative difference {worst:E2}");
        Assert.True(deviceLosses.Skip(Steps - 5).Average() < 0.8 * deviceLosses.Take(5).Average(), $"device loss did not fall: {string.Join(", ", deviceLosses.Select(l => l.ToString("F3")))}");
        Assert.Equal(cpu.Final.TestLoss, device.Final.TestLoss, 1e-3 * Math.Abs(cpu.Final.TestLoss));
        Assert.Equal(cpu.TrainingStateBytes, device.TrainingStateBytes); // moments (and ages with moment-warmup) alike

        // CopyToHost brought the trained parameters back: they match the CPU-trained ones.
        for (int p = 0; p < cpuNetwork.Parameters.Count; p++)
        {
            TensorAssert.Close(cpuNetwork.Parameters[p].Values.Select(v => (double)v).ToArray(), hostNetwork.Parameters[p].Values, 1e-4, 1e-3, cpuNetwork.Parameters[p].Name);
        }
    }

    [Fact]
    public void StudyRunner_OnTheEmulator_StoresEveryEval()
    {
        // What `run --backend ilgpu-cpu` does: the runner builds the network and trains it on the accelerator.
        var study = new StudyDefinition(
            "DeviceStudy", DeviceMlp.Spec, "synthetic", Steps: Steps, Batch: 16, EvalEvery: 10,
            Optimizer: "adamw lr=1e-2", Schedule: "static",
            Grid: new[] { new GridAxisText("sparsity", "0.5"), new GridAxisText("seed", "1") },
            CreateNetwork: options => new DeviceMlp(options));
        var data = SyntheticData.Create(new SyntheticOptions(Seed: 4, Features: 8, Classes: 4, TrainCount: 256, TestCount: 64));
        string path = Path.Combine(Path.GetTempPath(), "sparsedsl-device-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using var backend = DeviceBackend.Open("ilgpu-cpu");
            using var store = ResultStores.Open(path);
            var point = StudyPlan.Resolve(study).Single();
            var runner = new StudyRunner(study, store, data) { Accelerator = backend.Accelerator };

            var summary = runner.Run(point);

            Assert.Equal(RunStatus.Finished, store.GetRun(point.Id)!.Status);
            Assert.Equal(new long[] { 10, 20 }, store.GetEvals(point.Id).Select(e => e.Step));
            Assert.True(summary.Final.TestAccuracy > 0.25, $"test accuracy {summary.Final.TestAccuracy} is no better than chance");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
