namespace SparseDsl.Data;

/// <summary>Gets a Debian package's files with the ordinary package client. Tests substitute a fake.</summary>
public interface IPackageFetcher
{
    /// <summary>A short description of what is run, for error messages (<c>apt-get download PACKAGE</c>).</summary>
    string Describe(string package);

    /// <summary>
    /// Downloads <paramref name="package"/> and unpacks its files under <paramref name="destination"/> (as
    /// <c>dpkg -x</c> does: <c>destination/usr/share/…</c>). Throws <see cref="PackageFetchException"/> with a short
    /// reason on failure.
    /// </summary>
    void FetchAndExtract(string package, string destination);
}

/// <summary>Why a package could not be fetched, in a few words (the client's last error line).</summary>
public sealed class PackageFetchException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>
/// <c>apt-get download PACKAGE</c> into a scratch folder, then <c>dpkg -x PACKAGE.deb DESTINATION</c>. Needs no
/// root once the package lists exist (<c>apt-get update</c>); without them apt-get answers
/// "E: Unable to locate package …".
/// </summary>
public sealed class AptPackageFetcher : IPackageFetcher
{
    public string AptGet { get; init; } = "apt-get";

    public string Dpkg { get; init; } = "dpkg";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public string Describe(string package) => $"`{AptGet} download {package}`";

    public void FetchAndExtract(string package, string destination)
    {
        string scratch = Path.Combine(destination, ".download");
        Directory.CreateDirectory(scratch);
        try
        {
            Run(AptGet, ["download", package], scratch);
            string[] debs = Directory.GetFiles(scratch, "*.deb");
            if (debs.Length != 1)
            {
                throw new PackageFetchException($"{AptGet} download left {debs.Length} .deb files instead of one");
            }

            Run(Dpkg, ["-x", debs[0], destination], scratch);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private void Run(string command, string[] arguments, string workingDirectory) =>
        ClientCommand.Run(command, arguments, workingDirectory, Timeout, LastErrorLine);

    /// <summary>apt's "E: …" line when there is one, else the last non-empty line of stderr, then stdout.</summary>
    internal static string? LastErrorLine(string error, string output)
    {
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? apt = lines.LastOrDefault(line => line.StartsWith("E: ", StringComparison.Ordinal));
        if (apt is not null)
        {
            return apt;
        }

        return lines.LastOrDefault()
            ?? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
    }
}
