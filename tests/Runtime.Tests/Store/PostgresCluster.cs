using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SparseDsl.Runtime.Tests.Store;

/// <summary>
/// A throw-away PostgreSQL cluster for the tests of <see cref="Experiments.PostgresResultStore"/>, shared by the
/// <c>postgres</c> collection: <c>initdb</c> in a temporary folder (trust authentication, fsync off), the server on a free
/// port of 127.0.0.1 only with its socket in that folder, a fresh database per store a test asks for, and
/// <c>pg_ctl stop -m fast</c> and the folder deleted at the end. initdb refuses root, so as root the binaries run as the
/// <c>postgres</c> system user (<c>runuser</c>), which owns the folder. Where no PostgreSQL binaries are found (or, as
/// root, no <c>postgres</c> user), <see cref="Unavailable"/> says why and the tests that need the cluster are skipped.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string Collection = "postgres";

    private const string Superuser = "sparsedsl";
    private static readonly string? BinDirectory = FindBinaries();
    private static readonly bool AsRoot = Environment.IsPrivilegedProcess;
    private readonly Lock gate = new();
    private readonly string? folder;
    private int databases;

    public PostgresCluster()
    {
        if (Unavailable is not null)
        {
            return;
        }

        // As root, in /tmp: the postgres user may not be able to reach a TMPDIR under root's home.
        folder = Path.Combine(AsRoot ? "/tmp" : Path.GetTempPath(), "sparsedsl-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        if (AsRoot)
        {
            Run("chown", ["postgres:postgres", folder], asPostgres: false);
        }

        Port = FreePort();
        string data = Path.Combine(folder, "data");
        Run(Path.Combine(BinDirectory!, "initdb"), ["-D", data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        // One role must give a password, as on a real server; every other connection is trusted.
        string hba = Path.Combine(data, "pg_hba.conf");
        File.WriteAllText(hba, $"host all {PasswordUser} 127.0.0.1/32 scram-sha-256\n" + File.ReadAllText(hba));
        serverOptions = string.Join(' ',
            "-c listen_addresses=127.0.0.1", $"-c port={Port}", $"-c unix_socket_directories={folder}",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200");
        Start();
    }

    private readonly string? serverOptions;

    /// <summary>Starts the server (again, after <see cref="Stop"/>), waiting until it accepts connections.</summary>
    public void Start() =>
        Run(Path.Combine(BinDirectory!, "pg_ctl"), ["start", "-w", "-t", "60", "-D", Path.Combine(folder!, "data"), "-l", Path.Combine(folder!, "server.log"), "-o", serverOptions!]);

    /// <summary>Stops the server (an outage: every session ends, committed data stays); <see cref="Start"/> brings it back.</summary>
    public void Stop() =>
        Run(Path.Combine(BinDirectory!, "pg_ctl"), ["stop", "-m", "fast", "-w", "-D", Path.Combine(folder!, "data")]);

    /// <summary>Why the cluster cannot run here, or null when it can.</summary>
    public static string? Unavailable { get; } =
        BinDirectory is null
            ? "PostgreSQL binaries (initdb, pg_ctl, postgres) not found under /usr/lib/postgresql/*/bin or on PATH; install postgresql (apt-get install postgresql) to run the PostgreSQL store tests"
            : AsRoot && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal))
                ? "running as root, and initdb refuses root: no 'postgres' user to run the test cluster as (the Debian postgresql package creates it)"
                : null;

    public int Port { get; }

    /// <summary>A role that must log in with a password (<see cref="CreatePasswordUser"/>).</summary>
    public const string PasswordUser = "with_password";

    /// <summary>A URL of the cluster with the given database (no password: the cluster trusts local connections).</summary>
    public string Url(string database) => $"postgres://{Superuser}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{database}";

    /// <summary>Creates an empty database and returns its URL.</summary>
    public string CreateDatabase()
    {
        string name;
        lock (gate)
        {
            name = "store_" + (++databases).ToString(CultureInfo.InvariantCulture);
        }

        Execute("postgres", $"CREATE DATABASE {name}");
        return Url(name);
    }

    /// <summary>Creates the role <see cref="PasswordUser"/> when missing, and sets its password to <paramref name="password"/>.</summary>
    public void CreatePasswordUser(string password)
    {
        lock (gate)
        {
            Execute("postgres", $"""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PasswordUser}') THEN CREATE ROLE {PasswordUser} LOGIN; END IF;
                END $$;
                ALTER ROLE {PasswordUser} PASSWORD '{password}';
                """);
        }
    }

    /// <summary>Runs SQL on <paramref name="database"/> as the superuser.</summary>
    public void Execute(string database, string sql)
    {
        var settings = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Database = database, Pooling = false };
        using var connection = new NpgsqlConnection(settings.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a query whose answer is one value.</summary>
    public object? Scalar(string database, string sql)
    {
        var settings = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Database = database, Pooling = false };
        using var connection = new NpgsqlConnection(settings.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        if (folder is null)
        {
            return;
        }

        try
        {
            Run(Path.Combine(BinDirectory!, "pg_ctl"), ["stop", "-m", "fast", "-w", "-D", Path.Combine(folder, "data")]);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A port of 127.0.0.1 free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindBinaries()
    {
        static bool Complete(string dir) => new[] { "initdb", "pg_ctl", "postgres" }.All(b => File.Exists(Path.Combine(dir, b)));
        const string Debian = "/usr/lib/postgresql";
        IEnumerable<string> candidates = Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0).Select(d => Path.Combine(d, "bin"))
            : [];
        candidates = candidates.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(Complete);
    }

    private static void Run(string program, string[] arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo(asPostgres && AsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && AsRoot)
        {
            foreach (string prefix in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish in 90 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }
}

[CollectionDefinition(PostgresCluster.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;

/// <summary>Marks a test class whose tests need <see cref="PostgresCluster"/>: its <see cref="StoreFactAttribute"/> tests are skipped where the cluster cannot run.</summary>
public interface INeedPostgres;

/// <summary>A test of the PostgreSQL store alone: skipped, with the reason, where the cluster cannot run.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = PostgresCluster.Unavailable;
    }
}

/// <summary>
/// A test of the store contract, declared once in <see cref="ResultStoreContract"/> and run for each store's class; in a
/// class that is <see cref="INeedPostgres"/> it is skipped, with the reason, where the cluster cannot run.
/// </summary>
[XunitTestCaseDiscoverer("SparseDsl.Runtime.Tests.Store.StoreFactDiscoverer", "SparseDsl.Runtime.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        Type? type = testMethod.TestClass.Class.ToRuntimeType();
        string? skip = type is not null && typeof(INeedPostgres).IsAssignableFrom(type) ? PostgresCluster.Unavailable : null;
        return skip is null
            ? base.Discover(discoveryOptions, testMethod, factAttribute)
            : [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip)];
    }
}
