using System.Text.Json;
using SparseDsl.Experiments;
using SparseDsl.Runtime.Tests.ScalingLaws;
using SparseDsl.ScalingLaws;
using Xunit.Abstractions;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>
/// The generated program's <c>fit</c> verb end to end: runs written into a temporary SQLite store through the store
/// API, with losses drawn from known Chinchilla constants and noise, fitted from the command line.
/// </summary>
public sealed class FitVerbTests(ITestOutputHelper output) : IDisposable
{
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public void ChinchillaRunsInStore_FitRecoversConstantsAndWritesJsonAndReport()
    {
        // Fresh constants every run, around Chinchilla's own (A=406.4, B=410.7, E=1.69, α=0.34, β=0.28).
        int seed = Random.Shared.Next();
        var rng = new Random(seed);
        double Near(double x, double spread) => x + spread * (2 * rng.NextDouble() - 1);
        ScalingParameters truth = new(ChinchillaLaw.Instance,
            [Near(Math.Log(406.4), 0.4), Near(Math.Log(410.7), 0.4), Near(Math.Log(1.69), 0.1), Near(0.34, 0.04), Near(0.28, 0.04)]);
        output.WriteLine($"seed {seed}, truth {truth}");
        double[] dense = SyntheticRuns.LogSpace(2e7, 2e10, 6);
        double[] samples = SyntheticRuns.LogSpace(1e9, 1e12, 6);
        double[] densities = [1.0, 0.25];
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            int k = 0;
            foreach (double n in dense)
            {
                foreach (double d in densities)
                {
                    foreach (double s in samples)
                    {
                        long activeCount = (long)Math.Round(n * d);
                        double clean = ChinchillaLaw.Instance.Loss(truth, activeCount, Math.Round(s), 1e30);
                        double noisy = clean * Math.Exp(0.003 * Gaussian(rng));
                        FitStudy.Finish(store, $"r{k++:000}", (long)Math.Round(n), activeCount, (long)Math.Round(s), noisy);
                    }
                }
            }

            store.AddPending([new RunRecord { Id = "pending-1", Study = FitStudy.Name, ConfigJson = "{}" }]);
        }

        string json = _study.PathOf("fit.json");
        string report = _study.PathOf("report");
        (int code, string stdout, string stderr) = FitStudy.Run(
            "fit", "--law", "chinchilla", "--store", _study.Db, "--holdout", "params==max", "--bootstrap", "3",
            "--starts", "8", "--json", json, "--report", report);
        output.WriteLine(stdout);

        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Contains("chinchilla fit of FitStudy in", stdout);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        Assert.Equal("chinchilla", root.GetProperty("law").GetString());
        Assert.Equal(60, root.GetProperty("n").GetInt32());
        Assert.Equal(12, root.GetProperty("holdout_n").GetInt32());
        Assert.True(root.GetProperty("objective").GetDouble() > 0);
        Assert.InRange(root.GetProperty("r2").GetDouble(), 0.99, 1.0);
        Assert.InRange(root.GetProperty("holdout_r2").GetDouble(), 0.95, 1.0);
        JsonElement parameters = root.GetProperty("parameters");
        Assert.Equal(5, parameters.EnumerateObject().Count());
        Assert.InRange(parameters.GetProperty("alpha").GetDouble(), truth["alpha"] - 0.03, truth["alpha"] + 0.03);
        Assert.InRange(parameters.GetProperty("beta").GetDouble(), truth["beta"] - 0.03, truth["beta"] + 0.03);
        Assert.InRange(parameters.GetProperty("e").GetDouble(), truth["e"] - 0.05, truth["e"] + 0.05);
        JsonElement intervals = root.GetProperty("intervals");
        foreach (string name in new[] { "a", "b", "e", "alpha", "beta" })
        {
            JsonElement pair = intervals.GetProperty(name);
            Assert.True(pair[0].GetDouble() <= pair[1].GetDouble(), name);
        }

        // The fitted law predicts every run within 1 % of the clean truth, held-out (largest) models included.
        var fitted = new ScalingParameters(ChinchillaLaw.Instance, [.. new[] { "a", "b", "e", "alpha", "beta" }.Select(p => parameters.GetProperty(p).GetDouble())]);
        foreach (double n in dense)
        {
            foreach (double s in samples)
            {
                double expected = ChinchillaLaw.Instance.Loss(truth, n, s, 1e30);
                Assert.Equal(1.0, ChinchillaLaw.Instance.Loss(fitted, n, s, 1e30) / expected, 0.01);
            }
        }

        string md = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("| alpha |", md);
        Assert.Contains("![iso_loss](iso_loss.png)", md);
        Assert.True(new FileInfo(Path.Combine(report, "loss_vs_tokens.png")).Length > 0);
    }

    [Fact]
    public void NoStoreFile_OneLineError_ExitCode2()
    {
        (int code, string stdout, string stderr) = FitStudy.Run("fit", "--law", "chinchilla", "--store", _study.PathOf("absent.db"));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        AssertOneLine($"error: no results store at '{_study.PathOf("absent.db")}'; run `run` first or pass --store PATH.", stderr);
    }

    [Fact]
    public void StoreWithoutFinishedRuns_NamesTheStatesAndTheFix_ExitCode2()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            store.AddPending([new RunRecord { Id = "p1", Study = FitStudy.Name, ConfigJson = "{}" }, new RunRecord { Id = "p2", Study = FitStudy.Name, ConfigJson = "{}" }]);
            store.StartRun(new RunRecord { Id = "f1", Study = FitStudy.Name, ConfigJson = "{}", ActiveParameters = 10, DenseParameters = 20 });
            store.FailRun("f1", "out of memory");
            store.StartRun(new RunRecord { Id = "x", Study = "AnotherStudy", ConfigJson = "{}", ActiveParameters = 10, DenseParameters = 20 });
            store.FinishRun("x", new FinalMetrics(1, 1, 0.5, 1, 100, 0));
        }

        (int code, _, string stderr) = FitStudy.Run("fit", "--law", "chinchilla", "--store", _study.Db);

        Assert.Equal(2, code);
        AssertOneLine(
            $"error: {_study.Db} has no finished runs of FitStudy to fit (2 pending, 1 failed); run `run` first, or pass --store PATH of the store that has them.",
            stderr);
    }

    [Fact]
    public void TooFewFinishedRuns_SaysHowManyAreNeeded_AndNotesSkippedRuns_ExitCode2()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "a", 1000, 1000, 10_000, 2.0);
            FitStudy.Finish(store, "b", 2000, 1000, 10_000, 1.9);
            FitStudy.Finish(store, "c", 4000, 1000, 20_000, 1.7);
            FitStudy.Finish(store, "diverged", 4000, 4000, 20_000, double.NaN);
        }

        (int code, string stdout, string stderr) = FitStudy.Run("fit", "--law", "chinchilla", "--store", _study.Db);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("note: skipped finished run diverged: its test loss is NaN (diverged or not measured).", lines[0]);
        Assert.Equal(
            $"error: {_study.Db} has 3 usable finished run(s) of FitStudy; fitting chinchilla with 5 free constant(s) needs at least 6; "
            + "run more grid points (add values to a [Grid] axis, then `run`) or hold constants with --freeze.",
            lines[1]);

        // Freezing three constants leaves two free, which three runs can fit.
        (int frozenCode, _, string frozenErr) = FitStudy.Run(
            "fit", "--law", "chinchilla", "--store", _study.Db, "--freeze", "a=6,b=6,e=0.5", "--starts", "2");
        Assert.True(frozenCode == 0, frozenErr);
    }

    [Fact]
    public void NotASqliteFile_OneLineError_ExitCode2()
    {
        File.WriteAllText(_study.Db, "params,tokens\n1,2\n" + new string('x', 200));

        (int code, _, string stderr) = FitStudy.Run("fit", "--law", "chinchilla", "--store", _study.Db);

        Assert.Equal(2, code);
        AssertOneLine($"error: '{_study.Db}' is not a results store: not an SQLite database", stderr, prefixOnly: true);
    }

    [Fact]
    public void BadUniqueSamples_OneLineError_ExitCode2()
    {
        (int code, _, string stderr) = FitStudy.Run("fit", "--law", "chinchilla", "--store", _study.Db, "--unique-samples", "-5");

        Assert.Equal(2, code);
        AssertOneLine("error: --unique-samples: -5 must be a positive count, such as 60000.", stderr);
    }

    [Fact]
    public void ResultsReport_StillListsRunsAndWritesItsJson()
    {
        using (IResultStore store = ResultStores.Open(_study.Db))
        {
            FitStudy.Finish(store, "a", 1000, 250, 10_000, 2.0);
            store.AddPending([new RunRecord { Id = "b", Study = FitStudy.Name, ConfigJson = "{}" }]);
        }

        string json = _study.PathOf("runs.json");
        (int code, _, string stderr) = FitStudy.Run("report", "--store", _study.Db, "--json", json);

        Assert.True(code == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement runs = doc.RootElement.GetProperty("runs");
        Assert.Equal(["a", "b"], runs.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(2.0, runs[0].GetProperty("final").GetProperty("testLoss").GetDouble());
    }

    private static void AssertOneLine(string expected, string stderr, bool prefixOnly = false)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, stderr);
        if (prefixOnly)
        {
            Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expected, lines[0]);
        }
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
