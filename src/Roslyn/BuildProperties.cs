using System.Globalization;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SparseDsl.Roslyn;

/// <summary>The MSBuild properties SparseDsl reads (made visible by build/SparseDsl.props through CompilerVisibleProperty).</summary>
internal static class BuildProperties
{
    public const int DefaultMaxGridPoints = 10_000;

    /// <summary><c>SparseDslMaxGridPoints</c>: above it SPD304 warns; a missing or unreadable value means the default.</summary>
    public static int MaxGridPoints(AnalyzerConfigOptions options) =>
        options.TryGetValue("build_property.SparseDslMaxGridPoints", out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : DefaultMaxGridPoints;
}
