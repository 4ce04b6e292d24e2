using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>
/// One broken rule found while reading a declaration, with the exact source location to underline and, when the
/// rule knows it, the text that should stand there instead.
/// </summary>
internal sealed record Finding(RuleDescriptor Rule, string Message, Location? Location, string? Replacement = null)
{
    public bool IsError => Rule.Severity == RuleSeverity.Error;
}

/// <summary>Collects parser findings; the rules themselves live in SparseDsl.Language.</summary>
internal sealed class FindingBag
{
    private readonly List<Finding> items = new();

    public bool HasErrors => items.Any(d => d.IsError);

    /// <summary>The first SPD401 message (what this version cannot run yet), or null.</summary>
    public string? Unsupported => items.FirstOrDefault(d => d.Rule == DiagnosticCatalog.NotSupportedYet)?.Message;

    public void Add(RuleDescriptor rule, Location? location, string message) => items.Add(new Finding(rule, message, location));

    public void Add(Violation violation, Location? location) =>
        items.Add(new Finding(violation.Rule, violation.Message, location, violation.Replacement));

    public ImmutableArray<Finding> ToImmutable() => items.ToImmutableArray();
}

/// <summary>Where each rule's page lives (the help link of every SPD diagnostic).</summary>
internal static class HelpLinks
{
    public const string Base = "https://github.com/sparsedsl/sparsedsl/blob/main/";

    public static string For(RuleDescriptor rule) => Base + rule.HelpLink;
}

/// <summary>
/// The SPD diagnostics of one declaration, as the analyzers report them (and the generator, when the compiler would
/// not run them: <see cref="GeneratorReports"/>), so that both say the same thing at the same place.
/// </summary>
internal static class DeclarationFindings
{
    /// <summary>A [SparseModel] class's findings, or SPD007 for a class that declares layers without being one.</summary>
    public static IEnumerable<Diagnostic> OfModel(INamedTypeSymbol type, CancellationToken cancellation)
    {
        var attribute = AttributeReader.Find(type, ModelParser.SparseModelAttribute);
        var findings = attribute is null
            ? ModelParser.ParseLayersOutsideModel(type, cancellation)?.Findings ?? ImmutableArray<Finding>.Empty
            : ModelParser.Parse(type, attribute, cancellation).Findings;
        return findings.Select(finding => Descriptors.ToDiagnostic(finding, type));
    }

    /// <summary>An [Experiment] class's findings (none for any other class).</summary>
    public static IEnumerable<Diagnostic> OfExperiment(INamedTypeSymbol type, int maxGridPoints, CancellationToken cancellation)
    {
        var attribute = AttributeReader.Find(type, ExperimentParser.ExperimentAttribute);
        return attribute is null
            ? Enumerable.Empty<Diagnostic>()
            : ExperimentParser.Parse(type, attribute, maxGridPoints, cancellation).Findings.Select(finding => Descriptors.ToDiagnostic(finding, type));
    }
}
