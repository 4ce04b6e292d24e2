using System.Runtime.CompilerServices;

namespace SparseDsl.Analyzers.Tests.Catalog;

/// <summary>Files of this repository the catalog tests read (found from this source file, not the output folder).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
