using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Sparse;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// Block, N:M and rows layers of a generated model train on the CPU under static and dynamic schedules, and after
/// every update each pattern is valid: every tile whole, every group exactly N of M, every row all-or-nothing.
/// </summary>
public sealed class PatternTrainingTests
{
    private const int Steps = 120;

    private static readonly Dataset Data = SyntheticData.Create(new SyntheticOptions(Seed: 6, Features: 32, Classes: 4));

    [Theory]
    [InlineData("static", 1)]
    [InlineData("set every=10 drop=0.3", 2)]
    [InlineData("smet every=10", 3)]
    [InlineData("rigl every=10 drop=0.3", 5)]
    [InlineData("gmp from=0 to=0.5 every=10 start=0 end=80%", 4)]
    public void StructuredPatterns_StayValidAfterEveryUpdate_AndLossFalls(string scheduleText, int seed)
    {
        var schedule = Expressions.ParseSchedule(scheduleText).Value!;
        var optimizer = SmetMethod.EffectiveOptimizer(Expressions.ParseOptimizer("adamw lr=1e-2").Value!, schedule);
        var network = new PatternMlp(new NetworkOptions(0, Distribution.Uniform, seed, Schedule: schedule));
        Assert.IsType<BlockCsrFormat>(Layer(network.Tiles).Weight.Format);
        // 2:4 has its own format where its kernels vectorize (AVX-512), else CSR.
        Assert.IsType(Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? typeof(NOfMFormat) : typeof(CsrFormat), Layer(network.Groups).Weight.Format);
        Assert.Equal(PatternKind.NOfM, Layer(network.Groups).Weight.Layout.Pattern);
        // Rows at density 1 (gradual pruning starts dense) are a dense matrix; sparser, 1 × 48 tiles.
        Assert.IsType(schedule.Kind == ScheduleKind.Gmp ? typeof(DenseFormat) : typeof(BlockCsrFormat), Layer(network.Units).Weight.Format);
        long[] counts = [.. network.Layers.OfType<Linear>().Select(l => l.ActiveWeights)];
        var losses = new List<double>();
        int updates = 0;
        var settings = new TrainingSettings(Steps, Batch: 32, EvalEvery: Steps, optimizer, Loss.SoftmaxCrossEntropy, seed, schedule);
        new Trainer(network, Data, settings)
        {
            StepCompleted = (_, loss) => losses.Add(loss),
            TopologyUpdated = update =>
            {
                updates++;
                AssertPatternsValid(network);
            },
        }.Run();

        AssertPatternsValid(network);
        Assert.IsType<BlockCsrFormat>(Layer(network.Units).Weight.Format);
        Assert.Equal(schedule.Kind != ScheduleKind.Static, updates > 0);
        if (schedule.Kind is ScheduleKind.Set or ScheduleKind.Smet)
        {
            Assert.Equal(counts, network.Layers.OfType<Linear>().Select(l => l.ActiveWeights));
        }

        if (schedule.Kind == ScheduleKind.Gmp)
        {
            // Tiles and rows are pruned from dense to their own targets; 2:4 keeps its fixed half.
            Assert.Equal(ModelShapes.ActiveWeights(8 * 4, 0.25) * 64, network.Tiles.ActiveWeights);
            Assert.Equal(16 * 48, network.Units.ActiveWeights);
            Assert.Equal(48 * 64 / 2, network.Groups.ActiveWeights);
        }

        Assert.True(losses.Skip(Steps - 20).Average() < 0.8 * losses.Take(20).Average(), $"loss did not fall: {losses.Take(20).Average()} → {losses.Skip(Steps - 20).Average()}");
    }

    private static Linear Layer(SparseDsl.Layer layer) => (Linear)layer;

    /// <summary>Each layer's stored positions (a scatter of ones) obey its pattern.</summary>
    private static void AssertPatternsValid(PatternMlp network)
    {
        bool[,] tiles = Mask(Layer(network.Tiles)); // [64, 32]
        for (int br = 0; br < 64; br += 8)
        {
            for (int bc = 0; bc < 32; bc += 8)
            {
                int kept = 0;
                for (int r = br; r < br + 8; r++)
                {
                    for (int c = bc; c < bc + 8; c++)
                    {
                        kept += tiles[r, c] ? 1 : 0;
                    }
                }

                Assert.True(kept is 0 or 64, $"tile ({br / 8}, {bc / 8}) holds {kept} of 64 weights");
            }
        }

        bool[,] groups = Mask(Layer(network.Groups)); // [48, 64]
        for (int r = 0; r < 48; r++)
        {
            for (int g = 0; g < 64; g += 4)
            {
                int kept = Enumerable.Range(g, 4).Count(c => groups[r, c]);
                Assert.True(kept == 2, $"row {r}, group {g / 4} keeps {kept} of 4");
            }
        }

        bool[,] rows = Mask(Layer(network.Units)); // [32, 48]
        for (int r = 0; r < 32; r++)
        {
            int kept = Enumerable.Range(0, 48).Count(c => rows[r, c]);
            Assert.True(kept is 0 or 48, $"row {r} keeps {kept} of 48");
        }
    }

    private static bool[,] Mask(Linear layer)
    {
        var dense = new float[layer.Outputs * layer.Inputs];
        var format = layer.Weight.Format;
        format.Scatter(Enumerable.Repeat(1f, format.StoredValues).ToArray(), dense);
        var mask = new bool[layer.Outputs, layer.Inputs];
        for (int i = 0; i < dense.Length; i++)
        {
            mask[i / layer.Inputs, i % layer.Inputs] = dense[i] != 0;
        }

        return mask;
    }
}
