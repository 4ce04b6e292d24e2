using System.Diagnostics;

namespace SparseDsl.Testing;

/// <summary>
/// Real faults for the reliability tests (docs/RELIABILITY.md): read-only files and folders, and a full disk. As an
/// ordinary user a path is made read-only with its mode bits; root ignores those, so as root the path is made
/// immutable (<c>chattr +i</c>), which stops root too. A full disk is a tiny tmpfs, which only root can mount. Where
/// the machine offers neither, the tests that need it are skipped with the reason. Compiled into the test projects
/// that name it (Runtime.Tests, EndToEnd.Tests).
/// </summary>
public static class Faults
{
    /// <summary>Why read-only paths cannot be made here, or null.</summary>
    public static string? ReadOnlyUnavailable { get; } = ProbeReadOnly();

    /// <summary>Why a full disk cannot be made here, or null.</summary>
    public static string? FullDiskUnavailable { get; } = ProbeTinyDisk();

    /// <summary>Makes <paramref name="path"/> (a file or folder) read-only until disposed.</summary>
    public static IDisposable ReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(ReadOnlyUnavailable);
        }

        if (Environment.IsPrivilegedProcess)
        {
            Run("chattr", "+i", path);
            return new Undo(() => Run("chattr", "-i", path));
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        return new Undo(() =>
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }
        });
    }

    /// <summary>Mounts a tmpfs of <paramref name="kib"/> KiB on a new temporary folder.</summary>
    public static TinyDisk MountTinyDisk(int kib = 512) => new(kib);

    /// <summary>Runs a command; throws with its error output when it fails.</summary>
    public static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }

    /// <summary>Every file under <paramref name="folder"/> with its bytes, to show that nothing changed.</summary>
    public static IReadOnlyDictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private static string? ProbeReadOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return "read-only paths are made with Unix modes or chattr";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return null;
        }

        string probe = Path.Combine(Path.GetTempPath(), "sparsedsl-ro-probe-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(probe, "x");
        try
        {
            using (ReadOnly(probe))
            {
                try
                {
                    File.AppendAllText(probe, "y");
                    return "chattr +i did not stop root from writing here";
                }
                catch (UnauthorizedAccessException)
                {
                    return null;
                }
                catch (IOException)
                {
                    return null;
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"running as root and chattr +i is not available on {Path.GetTempPath()} ({e.Message})";
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private static string? ProbeTinyDisk()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return "a full disk is a tiny tmpfs, which only root can mount on Linux";
        }

        try
        {
            using var disk = new TinyDisk(64);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here ({e.Message})";
        }
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

/// <summary>A tmpfs of a few hundred KiB; <see cref="Fill"/> takes its last free byte.</summary>
public sealed class TinyDisk : IDisposable
{
    internal TinyDisk(int kib)
    {
        Folder = Path.Combine(Path.GetTempPath(), "sparsedsl-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        try
        {
            Faults.Run("mount", "-t", "tmpfs", "-o", $"size={kib}k", "tmpfs", Folder);
        }
        catch
        {
            Directory.Delete(Folder);
            throw;
        }
    }

    public string Folder { get; }

    private string Filler => Path.Combine(Folder, "filler");

    /// <summary>Writes a filler file until the disk says it is full (big blocks, then ever smaller ones).</summary>
    public void Fill()
    {
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
        for (int size = 1 << 16; size >= 512; size /= 2)
        {
            var block = new byte[size];
            try
            {
                while (true)
                {
                    file.Write(block);
                }
            }
            catch (IOException)
            {
                // ENOSPC at this block size: go on with smaller ones.
            }
        }
    }

    /// <summary>Deletes the filler: the disk has room again.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        try
        {
            Faults.Run("umount", Folder);
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Faults.Run("umount", "-l", Folder);
        }
    }
}

/// <summary>A test that needs read-only paths (<see cref="Faults.ReadOnly"/>).</summary>
public sealed class ReadOnlyFactAttribute : FactAttribute
{
    public ReadOnlyFactAttribute() => Skip = Faults.ReadOnlyUnavailable;
}

/// <summary>A test that needs a full disk (<see cref="Faults.MountTinyDisk"/>).</summary>
public sealed class FullDiskFactAttribute : FactAttribute
{
    public FullDiskFactAttribute() => Skip = Faults.FullDiskUnavailable;
}
