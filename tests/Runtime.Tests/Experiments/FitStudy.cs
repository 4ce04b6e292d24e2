using System.Globalization;
using SparseDsl.Experiments;
using SparseDsl.Language;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>
/// A study definition for the generated program's verbs (its network is never built: these tests write runs into
/// the store through the store API), a temporary folder, and an in-process call of <see cref="ExperimentProgram"/>.
/// </summary>
internal sealed class FitStudy : IDisposable
{
    public const string Name = "FitStudy";

    public FitStudy()
    {
        Folder = Path.Combine(Path.GetTempPath(), "sparsedsl-fit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    /// <summary>8 inputs → 4 classes on the synthetic data set, whose train split has 2048 samples.</summary>
    public static StudyDefinition Definition { get; } = new(
        Name,
        new ModelSpec("Tests", "FitMlp", Loss.SoftmaxCrossEntropy, 0.0, Distribution.Uniform, new[]
        {
            new LayerSpec("Features", LayerKind.Input, 8, Activation.None, false, null, null),
            new LayerSpec("Output", LayerKind.Dense, 4, Activation.None, true, null, null),
        }.ToEquatableArray()),
        "synthetic",
        Steps: 100,
        Batch: 32,
        EvalEvery: 50,
        Optimizer: "adamw lr=1e-3",
        Schedule: "static",
        Grid: [new GridAxisText("sparsity", "0, 0.75")],
        CreateNetwork: _ => throw new NotSupportedException("these tests never train"));

    public string Folder { get; }

    public string Db => Path.Combine(Folder, "results.db");

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Records one finished run of the study: started, then finished with <paramref name="testLoss"/>.</summary>
    public static void Finish(IResultStore store, string id, long dense, long active, long samples, double testLoss, int seed = 1)
    {
        string config = string.Create(CultureInfo.InvariantCulture, $$"""{"study":"{{Name}}","sparsity":{{1.0 - (double)active / dense:R}},"seed":{{seed}}}""");
        store.StartRun(new RunRecord { Id = id, Study = Name, ConfigJson = config, ActiveParameters = active, DenseParameters = dense });
        store.FinishRun(id, new FinalMetrics(TrainLoss: testLoss * 0.9, TestLoss: testLoss, TestAccuracy: 0.5, WallSeconds: 1.5, SamplesSeen: samples, PeakManagedBytes: 1 << 20));
    }

    /// <summary>Runs the generated program's entry point with <paramref name="args"/>; returns exit code and both streams.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = ExperimentProgram.Run(args, [Definition], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
