using System.Globalization;

namespace SparseDsl.Training;

/// <summary>
/// One run's checkpoints: <c>step-NNNNNNNNN.ckpt</c> files in one folder (the experiment runner uses
/// <c>&lt;store&gt;.checkpoints/&lt;run id&gt;/</c>), the newest two kept. <see cref="LoadLatest"/> returns the newest
/// one that reads back whole, saying in one line why it passed over any damaged newer one.
/// </summary>
public sealed class CheckpointFolder(string path)
{
    /// <summary>How many checkpoints are kept; older ones are deleted after each new one is written.</summary>
    public const int Kept = 2;

    /// <summary>The folder.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));

    /// <summary>Writes <paramref name="checkpoint"/> atomically, then deletes all but the newest <see cref="Kept"/>.</summary>
    public void Save(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string file = FileOf(checkpoint.Step);
        try
        {
            Directory.CreateDirectory(Path);
            CheckpointFile.Write(file, checkpoint);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            TryDelete(file + ".tmp");
            throw new CheckpointWriteException($"cannot write checkpoint '{file}' ({error.Message.TrimEnd('.')}); the older checkpoints are kept; free space there, make the folder writable, or pass --checkpoint-every 0", error);
        }

        foreach (var (_, old) in Files().Skip(Kept))
        {
            File.Delete(old);
        }
    }

    /// <summary>
    /// The newest checkpoint that reads back whole, or null when there is none; each damaged newer one is reported
    /// through <paramref name="warn"/> in one line and skipped.
    /// </summary>
    public TrainingCheckpoint? LoadLatest(Action<string>? warn = null)
    {
        foreach (var (_, file) in Files())
        {
            try
            {
                return CheckpointFile.Read(file);
            }
            catch (Exception error) when (error is InvalidDataException or EndOfStreamException or IOException)
            {
                warn?.Invoke($"checkpoint '{file}' is damaged ({error.Message}); using an older one");
            }
        }

        return null;
    }

    /// <summary>Deletes the folder and every checkpoint in it (the run has ended).</summary>
    public void Delete()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>The checkpoint files, newest step first.</summary>
    public IReadOnlyList<(int Step, string File)> Files()
    {
        if (!Directory.Exists(Path))
        {
            return [];
        }

        var files = new List<(int, string)>();
        foreach (string file in Directory.EnumerateFiles(Path, "step-*.ckpt"))
        {
            string digits = System.IO.Path.GetFileNameWithoutExtension(file)["step-".Length..];
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            {
                files.Add((step, file));
            }
        }

        return [.. files.OrderByDescending(f => f.Item1)];
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Left behind: a .tmp file is never read as a checkpoint.
        }
    }

    private string FileOf(int step) => System.IO.Path.Combine(Path, "step-" + step.ToString("D9", CultureInfo.InvariantCulture) + ".ckpt");
}

/// <summary>
/// A checkpoint that could not be written (a full disk, an unwritable folder): the machine's problem, not the run's, so
/// a worker stops on it rather than fail every point the same way; the older checkpoints are kept.
/// </summary>
internal sealed class CheckpointWriteException(string message, Exception inner) : IOException(message, inner);
