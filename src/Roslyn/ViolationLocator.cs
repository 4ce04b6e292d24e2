using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>The attributes of an [Experiment] class that a violation can point into.</summary>
internal sealed record ExperimentAttributes(AttributeData Experiment, AttributeData? Optimizer, AttributeData? Schedule, IReadOnlyList<AttributeData> Grid);

/// <summary>
/// Maps a <see cref="ViolationTarget"/> (the Language's description of where a rule broke) back to source: the
/// exact argument, and inside a string the offending characters.
/// </summary>
internal static class ViolationLocator
{
    public static Location? Locate(ViolationTarget target, INamedTypeSymbol model, AttributeData modelAttribute)
    {
        ISymbol symbol = target.MemberName is null
            ? model
            : model.GetMembers(target.MemberName).FirstOrDefault() ?? model;
        AttributeData? attribute = target.Attribute switch
        {
            null => null,
            "SparseModel" => modelAttribute,
            _ => AttributeReader.Find(symbol, "SparseDsl." + target.Attribute + "Attribute"),
        };
        return Locate(target, attribute) ?? symbol.Locations.FirstOrDefault();
    }

    public static Location? Locate(ViolationTarget target, ExperimentAttributes attributes)
    {
        AttributeData? attribute = target.Attribute switch
        {
            "Optimizer" => attributes.Optimizer,
            "SparsitySchedule" => attributes.Schedule,
            "Grid" => target.GridIndex is int index && index < attributes.Grid.Count
                ? attributes.Grid[index]
                : attributes.Grid.FirstOrDefault(g => target.GridAxis is null || AttributeReader.Argument(g, 0, "") == target.GridAxis),
            _ => attributes.Experiment,
        };
        return Locate(target, attribute) ?? AttributeReader.Location(attributes.Experiment);
    }

    private static Location? Locate(ViolationTarget target, AttributeData? attribute)
    {
        if (attribute is null)
        {
            return null;
        }

        var argument = AttributeReader.ArgumentSyntax(attribute, target.ArgumentIndex ?? -1, target.ArgumentName);
        if (argument is null)
        {
            return AttributeReader.Location(attribute);
        }

        return target.Column is int column
            ? AttributeReader.InsideString(argument, column, target.Length ?? 1)
            : argument.GetLocation();
    }
}
