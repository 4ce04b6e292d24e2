using System.Text;
using Npgsql;

namespace SparseDsl.Experiments;

/// <summary>
/// A <c>postgres://user[:password]@host[:port]/database[?key=value&amp;…]</c> store URL (also <c>postgresql://</c>), as
/// Npgsql connection settings. User, password and database are percent-decoded; query keys are Npgsql connection-string
/// keywords (<c>sslmode=require</c>, <c>timeout=5</c>). Without a password in the URL, Npgsql takes it from
/// <c>PGPASSWORD</c> or <c>~/.pgpass</c>. <see cref="Display"/> is the URL with the password shown as <c>***</c>: the
/// only form of it that may be printed.
/// </summary>
internal sealed class PostgresUrl
{
    /// <summary>The PostgreSQL default, used when the URL names no port.</summary>
    public const int DefaultPort = 5432;

    private PostgresUrl(NpgsqlConnectionStringBuilder settings, string display, string server, string? password)
    {
        Settings = settings;
        Display = display;
        Server = server;
        Password = password;
    }

    /// <summary>The Npgsql settings: one connection per store (no pool), named <c>sparsedsl</c> in <c>pg_stat_activity</c>.</summary>
    public NpgsqlConnectionStringBuilder Settings { get; }

    /// <summary>The URL with any password replaced by <c>***</c>.</summary>
    public string Display { get; }

    /// <summary><c>host:port</c>, for messages.</summary>
    public string Server { get; }

    public string Database => Settings.Database ?? "";

    public string User => Settings.Username ?? Environment.UserName;

    /// <summary>The password given in the URL (its user part or a <c>password=</c> parameter), to scrub from any message; null when none.</summary>
    public string? Password { get; }

    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="url"/>; a malformed one is a one-line <see cref="ResultStoreException"/> that never repeats the password.</summary>
    public static PostgresUrl Parse(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (!IsPostgres(url))
        {
            throw new ArgumentException($"not a postgres:// URL: {url}", nameof(url));
        }

        const string Usage = "write it as postgres://USER@HOST[:PORT]/DATABASE (the password from PGPASSWORD or ~/.pgpass)";
        string scheme = url[..url.IndexOf("://", StringComparison.Ordinal)];
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw new ResultStoreException($"--store {Masked(url)} is not a PostgreSQL URL that can be read; {Usage}");
        }

        string[] userInfo = uri.UserInfo.Split(':', 2);
        string? user = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null;
        string? password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null;
        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        string host = uri.Host.Trim('[', ']');
        int port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
        string server = (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var display = new StringBuilder(scheme.ToLowerInvariant()).Append("://");
        if (user is not null)
        {
            display.Append(userInfo[0]).Append(password is null ? "" : ":***").Append('@');
        }

        display.Append(server).Append('/').Append(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new ResultStoreException($"--store {display} names no database; {Usage}");
        }

        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Database = database,
            Pooling = false,
            ApplicationName = "sparsedsl",
        };
        if (user is not null)
        {
            settings.Username = user;
        }

        if (password is not null)
        {
            settings.Password = password;
        }

        ApplyQuery(uri.Query, settings, display);
        return new PostgresUrl(settings, display.ToString(), server, settings.Password);
    }

    /// <summary>Takes <paramref name="message"/> with the URL's password, wherever it appears, replaced by <c>***</c>.</summary>
    public string Scrub(string message) =>
        string.IsNullOrEmpty(Password) ? message : message.Replace(Password, "***", StringComparison.Ordinal);

    private static void ApplyQuery(string query, NpgsqlConnectionStringBuilder settings, StringBuilder display)
    {
        char separator = '?';
        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(parts[0]);
            string value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
            bool secret = key.Contains("password", StringComparison.OrdinalIgnoreCase);
            display.Append(separator).Append(parts[0]).Append('=').Append(secret ? "***" : parts.Length > 1 ? parts[1] : "");
            separator = '&';
            try
            {
                settings[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new ResultStoreException($"--store {display}: '{key}' is not a PostgreSQL connection setting Npgsql knows, or its value is not valid; remove it or see the Npgsql connection-string keywords");
            }
        }
    }

    /// <summary>An unparsable URL, with whatever sits between <c>:</c> and <c>@</c> of its authority hidden.</summary>
    private static string Masked(string url)
    {
        int start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        int at = url.LastIndexOf('@');
        int colon = at > start ? url.IndexOf(':', start, at - start) : -1;
        string masked = colon < 0 ? url : url[..(colon + 1)] + "***" + url[at..];
        int query = masked.IndexOf('?', Math.Max(at, start));
        return query < 0 ? masked : masked[..query] + "?…";
    }
}
