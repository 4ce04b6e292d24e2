using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SparseDsl.Roslyn;

/// <summary>Reads constructor and named arguments of an attribute, and finds where each was written.</summary>
internal static class AttributeReader
{
    /// <summary>
    /// Whether every declaration of the class says <c>partial</c> (SPD001 otherwise), as the compiler requires of each
    /// part. A half SparseDsl generated always does, so it never makes the user's declaration look partial.
    /// </summary>
    public static bool IsPartial(INamedTypeSymbol type) =>
        !type.DeclaringSyntaxReferences.IsEmpty
        && type.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax() is ClassDeclarationSyntax declaration
            && declaration.Modifiers.Any(m => m.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PartialKeyword)));

    /// <summary>
    /// Whether the class declares a partial member (a partial layer property, say; nested types do not count). In a
    /// class that is not partial, that is CS0751, a declaration error: the compiler stops before the analyzers run.
    /// </summary>
    public static bool DeclaresPartialMembers(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax() is TypeDeclarationSyntax declaration
            && declaration.Members.Any(member => member is not BaseTypeDeclarationSyntax
                && member.Modifiers.Any(m => m.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PartialKeyword))));

    /// <summary>SPD008 for a nested or generic [SparseModel]/[Experiment] class, at its name; true when the class fits.</summary>
    public static bool IsTopLevel(INamedTypeSymbol type, string attribute, FindingBag diagnostics)
    {
        if (CanTakeTopLevelHalf(type))
        {
            return true;
        }

        diagnostics.Add(SparseDsl.Language.ModelRules.TypeNotTopLevel(type.ToDisplayString(), attribute, type.Name, type.ContainingType?.Name, type.IsGenericType)!,
            type.Locations.FirstOrDefault());
        return false;
    }

    /// <summary>Generated halves are top-level, non-generic partial classes in the type's namespace: does this type match one?</summary>
    public static bool CanTakeTopLevelHalf(INamedTypeSymbol type) => type.ContainingType is null && !type.IsGenericType;

    public static AttributeData? Find(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == fullName);

    public static T Named<T>(AttributeData attribute, string name, T fallback)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is T value)
            {
                return value;
            }
        }

        return fallback;
    }

    public static T Argument<T>(AttributeData attribute, int index, T fallback) =>
        attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is T value
            ? value
            : fallback;

    /// <summary>
    /// The syntax of constructor argument <paramref name="index"/> (written in place or as <c>parameter: value</c>),
    /// or of the named argument <paramref name="name"/> (<c>Name = value</c>).
    /// </summary>
    public static ExpressionSyntax? ArgumentSyntax(AttributeData attribute, int index, string? name = null)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax || syntax.ArgumentList is null)
        {
            return null;
        }

        var arguments = syntax.ArgumentList.Arguments;
        if (name is not null)
        {
            var named = arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            if (named is not null)
            {
                return named.Expression;
            }
        }

        var parameters = attribute.AttributeConstructor?.Parameters;
        string? parameter = parameters is { } list && index >= 0 && index < list.Length ? list[index].Name : null;
        int position = 0;
        foreach (var argument in arguments.Where(a => a.NameEquals is null))
        {
            if (argument.NameColon is not null ? argument.NameColon.Name.Identifier.ValueText == parameter : position == index)
            {
                return argument.Expression;
            }

            position++;
        }

        return null;
    }

    /// <summary>Where the attribute itself was written (the fallback location for its diagnostics).</summary>
    public static Location? Location(AttributeData attribute) =>
        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    /// <summary>
    /// The location of characters [column, column+length) (1-based) inside a string-literal argument, so an
    /// expression error points at the offending token rather than the whole string.
    /// </summary>
    public static Location? InsideString(ExpressionSyntax? argument, int column, int length)
    {
        if (argument is not LiteralExpressionSyntax literal)
        {
            return argument?.GetLocation();
        }

        var offsets = StringLiteralMap.Offsets(literal.Token.Text);
        int first = System.Math.Max(0, column - 1);
        if (offsets is null || first >= offsets.Count - 1)
        {
            return argument.GetLocation();
        }

        int last = System.Math.Min(first + System.Math.Max(1, length), offsets.Count - 1);
        int start = literal.Token.SpanStart + offsets[first];
        int end = literal.Token.SpanStart + offsets[last];
        return Microsoft.CodeAnalysis.Location.Create(argument.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, end));
    }
}
