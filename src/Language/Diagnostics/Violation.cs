namespace SparseDsl.Language;

/// <summary>
/// Where a violation belongs, precisely enough for an analyzer to underline the exact argument:
/// the declaration (<see cref="TypeName"/>, optionally <see cref="MemberName"/> for a layer), the attribute
/// (<c>"SparseModel"</c>, <c>"Sparse"</c>, <c>"Dense"</c>, <c>"Input"</c>, <c>"Experiment"</c>, <c>"Grid"</c>,
/// <c>"Optimizer"</c>, <c>"SparsitySchedule"</c>), the argument (constructor <see cref="ArgumentIndex"/> or
/// <see cref="ArgumentName"/> of a named argument; <see cref="GridIndex"/> picks one of several [Grid]
/// attributes in declaration order, <see cref="GridAxis"/> names it), and for an expression the 1-based
/// <see cref="Column"/> and <see cref="Length"/> inside the string.
/// A null attribute means the declaration itself.
/// </summary>
public sealed record ViolationTarget(
    string TypeName,
    string? MemberName = null,
    string? Attribute = null,
    int? ArgumentIndex = null,
    string? ArgumentName = null,
    string? GridAxis = null,
    int? Column = null,
    int? Length = null,
    int? GridIndex = null)
{
    /// <summary>The same target narrowed to a span inside the string argument.</summary>
    public ViolationTarget At(int column, int length) => this with { Column = column, Length = length };

    public override string ToString()
    {
        string where = MemberName is null ? TypeName : TypeName + "." + MemberName;
        if (Attribute is not null)
        {
            where += " [" + Attribute + (GridAxis is null ? "" : "(\"" + GridAxis + "\")") + "]";
        }

        if (ArgumentName is not null)
        {
            where += " " + ArgumentName;
        }
        else if (ArgumentIndex is int index)
        {
            where += " argument " + index;
        }

        return Column is int column ? where + " column " + column : where;
    }
}

/// <summary>
/// One broken rule: which, why (a sentence saying what is wrong and what would be right), and where. When the
/// fix is clear, <see cref="Replacement"/> is the text that should stand at <see cref="Target"/> instead (a code
/// fix offers it).
/// </summary>
public sealed record Violation(RuleDescriptor Rule, string Message, ViolationTarget Target, string? Replacement = null)
{
    public bool IsError => Rule.Severity == RuleSeverity.Error;

    public override string ToString() => $"{Rule.Id}: {Message} ({Target})";
}
