namespace SparseDsl.Language;

public enum RuleSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One validation rule: what analyzers turn into a DiagnosticDescriptor. <see cref="MessageFormat"/> is the
/// shape of the message ("{0}" is the full sentence a rule function builds); <see cref="HelpLink"/> points at
/// the rule's page.
/// </summary>
public sealed record RuleDescriptor(string Id, string Title, string MessageFormat, RuleSeverity Severity, string Category)
{
    public string HelpLink => "docs/diagnostics/" + Id + ".md";
}
