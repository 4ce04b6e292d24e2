using System.Text.Json;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

public sealed class ResultExportTests
{
    [Fact]
    public void Export_HasConfigStatusAndFinalOfEveryRun()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db, new FixedClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        store.StartRun(StoreFolder.Run("b", config: """{"density":0.25,"lr":1e-3}"""));
        store.FinishRun("b", new FinalMetrics(0.5, double.NaN, 0.875, 12.5, 1000, 2048));
        store.StartRun(StoreFolder.Run("a"));
        store.AppendEval(StoreFolder.Eval("a", 10));
        store.FailRun("a", "boom");
        store.AddPending([StoreFolder.Run("c", study: "Zed", config: "not json")]);
        string path = Path.Combine(folder.Folder, "report.json");

        ResultExport.WriteJson(store, path);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement[] runs = json.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(1, json.RootElement.GetProperty("format").GetInt32());
        Assert.Equal(["a", "b", "c"], runs.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(["failed", "finished", "pending"], runs.Select(r => r.GetProperty("status").GetString()));

        JsonElement b = runs[1];
        Assert.Equal(0.25, b.GetProperty("config").GetProperty("density").GetDouble());
        Assert.Equal(0.001, b.GetProperty("config").GetProperty("lr").GetDouble());
        Assert.Equal(0.875, b.GetProperty("final").GetProperty("testAccuracy").GetDouble());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("final").GetProperty("testLoss").ValueKind);
        Assert.Equal("2026-01-02T03:04:05.000Z", b.GetProperty("finishedUtc").GetString());
        Assert.Equal(1000, b.GetProperty("samplesSeen").GetInt64());

        Assert.Equal("boom", runs[0].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, runs[0].GetProperty("final").ValueKind);
        Assert.False(runs[0].TryGetProperty("evals", out _));
        Assert.Equal("not json", runs[2].GetProperty("config").GetString());
    }

    [Fact]
    public void Export_FilteredStudyWithEvals()
    {
        using var folder = new StoreFolder();
        using SqliteResultStore store = SqliteResultStore.Open(folder.Db);
        store.StartRun(StoreFolder.Run("a"));
        store.AppendEval(StoreFolder.Eval("a", 10));
        store.StartRun(StoreFolder.Run("z", study: "Other"));
        using var output = new MemoryStream();

        ResultExport.WriteJson(store, output, study: "SetMlp", includeEvals: true);

        using JsonDocument json = JsonDocument.Parse(output.ToArray());
        JsonElement run = json.RootElement.GetProperty("runs").EnumerateArray().Single();
        JsonElement eval = run.GetProperty("evals").EnumerateArray().Single();
        Assert.Equal(10, eval.GetProperty("step").GetInt64());
        Assert.Equal(0.7, eval.GetProperty("trainAccuracy").GetDouble());
    }
}
