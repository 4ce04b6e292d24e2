using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace SparseDsl.Generator.Model;

/// <summary>An equatable stand-in for <see cref="Location"/>, so diagnostics can travel through the pipeline as data.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());
}

/// <summary>A diagnostic found while parsing, reported later by the generator's diagnostics output.</summary>
internal sealed record DiagnosticInfo(string Id, string Title, string Message, bool IsError, LocationInfo? Location);
