using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>A temporary folder with a results.db path, and record builders.</summary>
internal sealed class StoreFolder : IDisposable
{
    public StoreFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "sparsedsl-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string Db => Path.Combine(Folder, "results.db");

    public static RunRecord Run(string id, string study = "SetMlp", string config = """{"density":0.05,"seed":1}""") =>
        new() { Id = id, Study = study, ConfigJson = config, ActiveParameters = 1000, DenseParameters = 20000 };

    public static EvalRecord Eval(string id, long step, double testLoss = 0.5) =>
        new(id, step, step * 128, 1.0 / (step + 1), testLoss, 0.7, 0.8, step * 0.25);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock that says what the test tells it.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
