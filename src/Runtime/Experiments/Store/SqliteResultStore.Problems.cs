using Microsoft.Data.Sqlite;

namespace SparseDsl.Experiments;

/// <summary>What SQLite's errors mean for a user: one line naming the file, what is wrong and what to do.</summary>
public sealed partial class SqliteResultStore
{
    /// <summary>
    /// Refuses a file SQLite could open only for reading (it falls back to read-only when the file cannot be written)
    /// before any statement runs, so that no <c>-wal</c> or <c>-shm</c> file is left next to it.
    /// </summary>
    private static void CheckWritable(SqliteConnection connection, string path)
    {
        if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
        {
            throw new ResultStoreException(
                $"results store '{path}' is read-only; nothing was written; make it writable (chmod u+w, or chattr -i), or copy it and pass --store COPY");
        }
    }

    /// <summary>
    /// Refuses a damaged file before anything is written to it: <c>PRAGMA quick_check</c> reads every page (a truncated
    /// file lacks some), and a file that is not SQLite at all fails on its header.
    /// </summary>
    private static void CheckIntact(SqliteConnection connection, string path)
    {
        using SqliteCommand check = connection.CreateCommand();
        check.CommandText = "PRAGMA quick_check(1)";
        string? verdict = check.ExecuteScalar() as string;
        if (verdict != "ok")
        {
            throw new ResultStoreException(
                $"results store '{path}' is damaged ({verdict}: truncated or overwritten?); it was left unchanged; restore it from a copy, or pass --store PATH of another file (a new name starts an empty store)");
        }
    }

    /// <summary>The one-line problem behind <paramref name="error"/> on the store at <paramref name="path"/>.</summary>
    internal static ResultStoreException Problem(string path, SqliteException error)
    {
        string detail = error.Message.Replace("SQLite Error ", "SQLite error ", StringComparison.Ordinal).TrimEnd('.');
        // SQLite reports a full disk as SQLITE_FULL only for some writes; creating the -shm file on one is an I/O error.
        int code = error.SqliteErrorCode is 10 or 13 or 14 && FreeBytes(path) is < 1 << 20 ? 13 : error.SqliteErrorCode;
        string message = code switch
        {
            5 or 6 => $"results store '{path}' stayed locked by another process for {BusyTimeout.TotalSeconds:0} s ({detail}); rerun when that process is done, or pass --store PATH of another file",
            8 => $"results store '{path}' is read-only ({detail}); nothing was written; make the file and its folder writable, or copy it and pass --store COPY",
            10 => $"cannot read or write results store '{path}' ({detail}); check the disk (a network share cannot hold a store: copy it to a local disk), then rerun",
            11 => $"results store '{path}' is damaged ({detail}: truncated or overwritten?); restore it from a copy, or pass --store PATH of another file (a new name starts an empty store)",
            13 => $"the disk holding results store '{path}' is full ({detail}); the write was rolled back and stored results are intact; free space there and rerun, or pass --store PATH on another disk",
            14 => $"cannot open results store '{path}' ({detail}); its folder must exist and be writable (SQLite adds -wal and -shm files next to it); pass --store PATH in a folder you can write",
            26 => $"'{path}' is not a results store: not an SQLite database ({detail}); it was left unchanged; pass --store PATH of a store that `run` wrote, or a new file name",
            _ => $"results store '{path}': {detail}; pass --store PATH of another file",
        };
        return new ResultStoreException(message, error);
    }

    /// <summary>Free bytes on the file system holding <paramref name="path"/>, or null when that cannot be told.</summary>
    private static long? FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(path) ?? path).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
