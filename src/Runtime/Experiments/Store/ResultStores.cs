namespace SparseDsl.Experiments;

/// <summary>Opens a store from the <c>--store</c> argument.</summary>
public static class ResultStores
{
    /// <summary>The environment variable that names the store when <c>--store</c> is not given.</summary>
    public const string EnvironmentVariable = "SPARSEDSL_STORE";

    /// <summary>
    /// Opens the store <paramref name="location"/> names, resolved in this order:
    /// <list type="number">
    /// <item><description>null or empty: the environment variable <c>SPARSEDSL_STORE</c> when it is set, else
    /// <see cref="SqliteResultStore.DefaultFileName"/>;</description></item>
    /// <item><description><c>@FILE</c> (the argument or the variable): the first line of FILE, trimmed, so that a URL with
    /// a password stays out of the command line, the shell history and <c>ps</c>;</description></item>
    /// <item><description><c>postgres://user[:password]@host[:port]/database</c> or <c>postgresql://…</c>: a
    /// <see cref="PostgresResultStore"/> (without a password in the URL, Npgsql takes it from <c>PGPASSWORD</c> or
    /// <c>~/.pgpass</c>);</description></item>
    /// <item><description>anything else: a <see cref="SqliteResultStore"/> file path.</description></item>
    /// </list>
    /// The password is never printed: the store's <see cref="IResultStore.Location"/> and every message show it as
    /// <c>***</c>. A location that cannot be resolved or opened is a one-line <see cref="ResultStoreException"/>.
    /// </summary>
    public static IResultStore Open(string? location = null)
    {
        string resolved = Resolve(location, Environment.GetEnvironmentVariable);
        return PostgresUrl.IsPostgres(resolved) ? PostgresResultStore.Open(resolved) : SqliteResultStore.Open(resolved);
    }

    /// <summary>
    /// Opens a store that already exists, for the commands that only read (list, report, fit): a server store always (the
    /// server says whether it is there), an SQLite file only when its path exists; null for a missing file.
    /// </summary>
    internal static IResultStore? OpenExisting(string? location)
    {
        string resolved = Resolve(location, Environment.GetEnvironmentVariable);
        if (PostgresUrl.IsPostgres(resolved))
        {
            return PostgresResultStore.Open(resolved);
        }

        return File.Exists(resolved) || Directory.Exists(resolved) ? SqliteResultStore.Open(resolved) : null;
    }

    /// <summary>
    /// The store a <c>--store</c> value names, without opening it: see <see cref="Open"/>. For messages, show the opened
    /// store's <see cref="IResultStore.Location"/>, never this (it may hold a password).
    /// </summary>
    public static string Resolve(string? location) => Resolve(location, Environment.GetEnvironmentVariable);

    /// <summary><see cref="Resolve(string?)"/> with the environment given, for tests.</summary>
    internal static string Resolve(string? location, Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            location = environment(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(location))
            {
                return SqliteResultStore.DefaultFileName;
            }
        }

        location = location.Trim();
        return location.StartsWith('@') ? ReadFirstLine(location[1..]) : location;
    }

    private static string ReadFirstLine(string path)
    {
        string? line;
        try
        {
            using var reader = new StreamReader(path);
            line = reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ResultStoreException($"cannot read the store location from '{path}' (--store @{path}): {e.Message.TrimEnd('.')}; write the store's URL or path on its first line, or pass --store URL", e);
        }

        if (string.IsNullOrWhiteSpace(line) || line.Trim().StartsWith('@'))
        {
            throw new ResultStoreException($"'{path}' (--store @{path}) holds no store location on its first line; write the store's URL or path there, e.g. postgres://user@host/db");
        }

        return line.Trim();
    }
}
