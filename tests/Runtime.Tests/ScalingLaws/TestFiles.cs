using System.Runtime.CompilerServices;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>Locates files under tests/Runtime.Tests/TestData from the source tree (no copy to the output folder).</summary>
internal static class TestFiles
{
    public static string Datablations => Path.Combine(TestDataFolder(), "datablations_c4_runs.csv");

    private static string TestDataFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "TestData"));
}
