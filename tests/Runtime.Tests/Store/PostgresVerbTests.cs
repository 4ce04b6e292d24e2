using SparseDsl.Experiments;
using SparseDsl.Runtime.Tests.Experiments;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>The <c>run</c> verb on a PostgreSQL store: the URL as <c>--store</c> or from a file, the password never printed.</summary>
[Collection(PostgresCluster.Collection)]
public sealed class PostgresVerbTests(PostgresCluster cluster) : IDisposable
{
    private const string Secret = "verb-S3cret";
    private readonly FitStudy _study = new();

    public void Dispose() => _study.Dispose();

    [PostgresFact]
    public void Run_OnAStoreWhoseGridIsDone_SaysSoWithThePasswordMasked_FromTheUrlOrAFile()
    {
        string url = cluster.CreateDatabase();
        string database = url[(url.LastIndexOf('/') + 1)..];
        cluster.CreatePasswordUser(Secret);
        cluster.Execute("postgres", $"ALTER DATABASE {database} OWNER TO {PostgresCluster.PasswordUser}");
        cluster.Execute(database, $"ALTER SCHEMA public OWNER TO {PostgresCluster.PasswordUser}");
        string withPassword = $"postgres://{PostgresCluster.PasswordUser}:{Secret}@127.0.0.1:{cluster.Port}/{database}";
        using (IResultStore store = ResultStores.Open(withPassword))
        {
            foreach (StudyPoint point in StudyPlan.Resolve(FitStudy.Definition))
            {
                store.StartRun(new RunRecord { Id = point.Id, Study = FitStudy.Name, ConfigJson = point.Config.ToCanonicalJson() });
                store.FinishRun(point.Id, new FinalMetrics(1, 1, 0.5, 1, 1, 1));
            }
        }

        string file = _study.PathOf("store.url");
        File.WriteAllText(file, withPassword + "\n");
        foreach (string store in new[] { withPassword, "@" + file })
        {
            (int code, string stdout, string stderr) = FitStudy.Run("run", "--store", store);

            Assert.True(code == 0, stderr);
            Assert.Contains("2 already finished, 0 to run", stdout, StringComparison.Ordinal);
            Assert.Contains($"results in postgres://{PostgresCluster.PasswordUser}:***@127.0.0.1:{cluster.Port}/{database}", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, stdout + stderr, StringComparison.Ordinal);
        }

        // The reading verbs open the server store too, and never print its password.
        (int fitCode, string fitOut, string fitErr) = FitStudy.Run("fit", "--store", withPassword, "--law", "chinchilla");
        Assert.DoesNotContain("no results store", fitOut + fitErr, StringComparison.Ordinal);
        Assert.Contains($"postgres://{PostgresCluster.PasswordUser}:***@127.0.0.1:{cluster.Port}/{database}", fitOut + fitErr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, fitOut + fitErr, StringComparison.Ordinal);
        (int reportCode, string reportOut, string reportErr) = FitStudy.Run("report", "--store", withPassword, "--json", _study.PathOf("report.json"));
        Assert.True(reportCode == 0, reportErr);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(File.ReadAllText(_study.PathOf("report.json"))).RootElement.GetProperty("runs").GetArrayLength());
        Assert.DoesNotContain(Secret, reportOut + reportErr, StringComparison.Ordinal);
        _ = fitCode;
    }

    [PostgresFact]
    public void Run_ServerNotRunning_OneLineNamingTheServer_ExitCode2_NoPassword()
    {
        int closed = PostgresCluster.FreePort();

        (int code, string stdout, string stderr) = FitStudy.Run("run", "--store", $"postgres://someone:{Secret}@127.0.0.1:{closed}/grid");

        Assert.Equal(2, code);
        Assert.Equal($"error: cannot reach PostgreSQL at 127.0.0.1:{closed} (connection refused); is PostgreSQL running at 127.0.0.1:{closed}? start it or fix --store", stderr.Trim());
        Assert.DoesNotContain(Secret, stdout + stderr, StringComparison.Ordinal);
    }
}
