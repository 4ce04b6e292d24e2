using System.Text.Json;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary><c>report</c> on stores with nothing finished, and diverged runs in <c>report</c>, <c>list</c> and <c>fit</c>.</summary>
public sealed class ReportVerbTests : IDisposable
{
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public void StoreWithoutRuns_ReportSaysSoInOneLine()
    {
        using (ResultStores.Open(_study.Db))
        {
        }

        (int code, string stdout, string stderr) = FitStudy.Run("report", "--store", _study.Db);

        Assert.True(code == 0, stderr);
        Assert.Equal($"{_study.Db} holds no runs of FitStudy; `run` trains them (or pass --store PATH of the store that has them)", stdout.Trim());
    }

    [Fact]
    public void StoreWithoutFinishedRuns_ReportSaysNoneHasFinished()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            store.AddPending([new RunRecord { Id = "p", Study = FitStudy.Name, ConfigJson = "{}" }]);
            store.StartRun(new RunRecord { Id = "r", Study = FitStudy.Name, ConfigJson = "{}" });
        }

        (int code, string stdout, string stderr) = FitStudy.Run("report", "--store", _study.Db);

        Assert.True(code == 0, stderr);
        Assert.Equal($"no run of FitStudy in {_study.Db} has finished yet (1 pending, 1 running); `run` trains the rest", stdout.Trim());
    }

    [Fact]
    public void DivergedRun_ReportShowsItsStep_FitSkipsItAndSaysHowMany()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            for (int i = 0; i < 8; i++)
            {
                FitStudy.Finish(store, $"ok{i}", 1000 << i, 250 << i, 10_000 << i, 3.0 - (0.2 * i));
            }

            store.StartRun(new RunRecord { Id = "nan", Study = FitStudy.Name, ConfigJson = """{"lr":10000}""", ActiveParameters = 10, DenseParameters = 10 });
            store.DivergeRun("nan", 17, "loss became NaN at step 17");
        }

        string json = _study.PathOf("runs.json");
        (int reportCode, _, string reportErr) = FitStudy.Run("report", "--store", _study.Db, "--json", json);
        (int fitCode, string fitOut, string fitErr) = FitStudy.Run(
            "fit", "--law", "chinchilla", "--store", _study.Db, "--freeze", "a=6,b=6,e=0.5", "--starts", "2");

        Assert.True(reportCode == 0, reportErr);
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            Assert.Equal("diverged at step 17", ReportCommand.Status(store.GetRun("nan")!));
        }

        using (JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            JsonElement nan = doc.RootElement.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "nan");
            Assert.Equal("diverged", nan.GetProperty("status").GetString());
            Assert.Equal(17, nan.GetProperty("divergedStep").GetInt64());
            Assert.Equal("loss became NaN at step 17", nan.GetProperty("error").GetString());
        }

        Assert.True(fitCode == 0, fitErr);
        Assert.Equal("note: skipped 1 diverged run(s) of FitStudy (NaN or infinite loss; `report` lists them).", fitErr.Trim());
        Assert.Contains("chinchilla fit of FitStudy", fitOut, StringComparison.Ordinal);
    }
}
