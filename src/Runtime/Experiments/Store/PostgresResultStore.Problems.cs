using System.Net.Sockets;
using Npgsql;

namespace SparseDsl.Experiments;

/// <summary>
/// What PostgreSQL's and Npgsql's errors mean for a user: one line naming the server (never the password), what is wrong
/// and what to do. Retrying after an outage is the caller's business; here a failed write is rolled back and reported.
/// </summary>
public sealed partial class PostgresResultStore
{
    /// <summary>Errors of the server or of the way to it; anything else (a bug, a lost claim) leaves as it is.</summary>
    private static bool IsServerError(Exception e) => e is NpgsqlException or TimeoutException;

    /// <summary>The one-line problem behind <paramref name="error"/> on the store at <paramref name="url"/>, the password scrubbed.</summary>
    internal static ResultStoreException Problem(PostgresUrl url, Exception error, bool opening = false)
    {
        string at = $"PostgreSQL at {url.Server}";
        string store = $"results store {url.Display}";
        string message;
        bool transient = error is NpgsqlException { IsTransient: true };
        if (error is PostgresException server)
        {
            string detail = server.MessageText.TrimEnd('.');
            message = server.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    $"{at} refused user '{url.User}' ({detail}); check the user and its password (in the URL, PGPASSWORD or ~/.pgpass) and the server's pg_hba.conf, or fix --store",
                PostgresErrorCodes.InvalidCatalogName =>
                    $"{at} has no database '{url.Database}' ({detail}); create it (createdb -h {Host(url)} {url.Database}) or fix --store",
                PostgresErrorCodes.InsufficientPrivilege =>
                    $"user '{url.User}' may not use {store} ({detail}); grant it the rights (GRANT ALL ON SCHEMA public TO {url.User}, and on the store's tables) or pass --store with a database it owns",
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow =>
                    $"{at} accepts no connection now ({detail}); rerun when it does, or raise max_connections",
                PostgresErrorCodes.DiskFull or PostgresErrorCodes.OutOfMemory or PostgresErrorCodes.InsufficientResources =>
                    $"{at} is out of space for {store} ({detail}); the write was rolled back and stored results are intact; free space on the server and rerun",
                PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown =>
                    $"{at} shut down while using {store} ({detail}); the write was rolled back; rerun when it is back",
                PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable =>
                    $"{store}: a write collided with another worker's ({detail}); it was rolled back; rerun",
                PostgresErrorCodes.ReadOnlySqlTransaction =>
                    $"{store} is read-only ({detail}: a standby server?); nothing was written; point --store at the primary",
                _ => $"{store}: PostgreSQL error {server.SqlState} ({detail}); fix the database or pass --store with another one",
            };
            transient |= server.SqlState is PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable;
        }
        else if (Reaches(error) is { } cause)
        {
            message = $"cannot reach {at} ({cause}); is PostgreSQL running at {url.Server}? start it or fix --store";
            transient = true;
        }
        else if (error.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            message = $"{at} asks user '{url.User}' for a password and none was found ({Detail(error)}); set PGPASSWORD or add it to ~/.pgpass (or the URL, from a file with --store @FILE), or fix --store";
        }
        else if (opening)
        {
            message = $"cannot open {store} ({Detail(error)}); check that PostgreSQL runs at {url.Server} and that --store is right";
        }
        else
        {
            message = $"lost the connection to {at} using {store} ({Detail(error)}); the write was rolled back; rerun when the server is back";
            transient = !opening;
        }

        return new ResultStoreException(url.Scrub(message), error) { Transient = transient };
    }

    /// <summary>Why the server could not be reached (refused, no such host, timed out), or null when it was reached.</summary>
    private static string? Reaches(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "no such host",
                    SocketError.TimedOut => "timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
                    _ => socket.Message.TrimEnd('.'),
                };
            }

            if (e is TimeoutException)
            {
                return "timed out";
            }
        }

        return error.Message.StartsWith("Failed to connect", StringComparison.Ordinal) ? Detail(error) : null;
    }

    private static string Detail(Exception error) => (error.InnerException?.Message ?? error.Message).Split('\n')[0].TrimEnd('.', ' ', '\r');

    private static string Host(PostgresUrl url) => url.Settings.Host ?? "localhost";
}
