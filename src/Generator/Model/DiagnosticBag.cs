using System.Collections.Generic;
using System.Linq;
using SparseDsl.Language;

namespace SparseDsl.Generator.Model;

/// <summary>Collects parser findings as equatable data; the rules themselves live in SparseDsl.Language.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<DiagnosticInfo> items = new();

    public bool HasErrors => items.Any(d => d.IsError);

    public void Add(RuleDescriptor rule, LocationInfo? location, string message) =>
        items.Add(new DiagnosticInfo(rule.Id, rule.Title, message, rule.Severity == RuleSeverity.Error, location));

    public void Add(Violation violation, LocationInfo? location) => Add(violation.Rule, location, violation.Message);

    public EquatableArray<DiagnosticInfo> ToArray() => items.ToEquatableArray();
}
