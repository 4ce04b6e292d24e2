using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>Roslyn symbols of a [SparseModel] class → <see cref="ModelSpec"/> (the only stage that touches Roslyn).</summary>
internal static class ModelParser
{
    public const string SparseModelAttribute = "SparseDsl.SparseModelAttribute";
    private const string LayerType = "SparseDsl.Layer";
    public const string InputAttribute = "SparseDsl.InputAttribute";
    public const string DenseAttribute = "SparseDsl.DenseAttribute";
    public const string EmbeddingAttribute = "SparseDsl.EmbeddingAttribute";
    public const string TransformerBlockAttribute = "SparseDsl.TransformerBlockAttribute";
    public const string LayerNormAttribute = "SparseDsl.LayerNormAttribute";
    public const string UnembeddingAttribute = "SparseDsl.UnembeddingAttribute";
    private const string SparseAttribute = "SparseDsl.SparseAttribute";
    private const string KeepDenseAttribute = "SparseDsl.KeepDenseAttribute";

    /// <summary>A type as written, for generated code: <c>global::</c>-qualified, with its nullable annotation (<c>Layer?</c>).</summary>
    private static readonly SymbolDisplayFormat WrittenType = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ParsedModel Parse(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new FindingBag();

        bool isPartial = AttributeReader.IsPartial(type);
        if (!isPartial)
        {
            diagnostics.Add(DiagnosticCatalog.TypeNotPartial, type.Locations.FirstOrDefault(),
                $"[SparseModel] class '{type.Name}' must be partial so SparseDsl can add the generated network; declare it 'public partial class {type.Name}'");
        }

        var spec = ReadSpec(type, attribute, diagnostics, out var members);

        foreach (var violation in ModelRules.Validate(spec))
        {
            diagnostics.Add(violation, ViolationLocator.Locate(violation.Target, type, attribute));
        }

        bool isTopLevel = AttributeReader.IsTopLevel(type, "SparseModel", diagnostics);
        bool takesGeneratedCode = (isPartial || members.Any(m => m.IsPartialDefinition)) && isTopLevel;
        bool rejected = GeneratorReports.CompilerRejects(isPartial, AttributeReader.DeclaresPartialMembers(type), takesGeneratedCode, members);
        var target = new ModelTarget(spec, Accessibility(type.DeclaredAccessibility), members.ToEquatableArray(), takesGeneratedCode,
            diagnostics.HasErrors, diagnostics.Unsupported, rejected);
        return new ParsedModel(target, diagnostics.ToImmutable());
    }

    /// <summary>
    /// A [SparseModel] from a referenced assembly: its network was generated (and its declaration judged) when that
    /// assembly was built, so only its spec is read here, and whether the rules would let it run (errors, SPD401).
    /// </summary>
    public static ModelTarget ParseReferenced(INamedTypeSymbol type, AttributeData attribute)
    {
        var spec = ReadSpec(type, attribute, new FindingBag(), out var members);
        var violations = ModelRules.Validate(spec);
        string? unsupported = violations.FirstOrDefault(v => v.Rule == DiagnosticCatalog.NotSupportedYet)?.Message;
        return new ModelTarget(spec, Accessibility(type.DeclaredAccessibility), members.ToEquatableArray(), TakesGeneratedCode: true,
            HasErrors: violations.Any(v => v.IsError), unsupported);
    }

    /// <summary>
    /// A class with layer attributes but no [SparseModel] (SPD007): the target of its stub (so its partial layers
    /// are implemented and the build shows SPD007 alone), or null when the class is a model or has no layers.
    /// </summary>
    public static ParsedModel? ParseLayersOutsideModel(INamedTypeSymbol type, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (AttributeReader.Find(type, SparseModelAttribute) is not null)
        {
            return null;
        }

        var first = type.GetMembers().OfType<IPropertySymbol>()
            .Select(p => (Property: p, Attribute: LayerAttributes(p).FirstOrDefault().Attribute))
            .FirstOrDefault(p => p.Attribute is not null);
        if (first.Attribute is null)
        {
            return null;
        }

        // Only SPD007: the layers' own rules apply once the class is a model.
        var spec = ReadSpec(type, null, new FindingBag(), out var members);
        var diagnostics = new FindingBag();
        var violation = ModelRules.LayersOutsideModel(spec.FullName, type.Name, first.Property.Name, first.Attribute.AttributeClass!.Name.Replace("Attribute", ""));
        diagnostics.Add(violation, AttributeReader.Location(first.Attribute));
        // The stub is a top-level partial class in the type's namespace: a nested or generic class would not match it,
        // so it gets none (SPD007 is still reported). A class that is not partial gets it only for its partial layers.
        bool isPartial = AttributeReader.IsPartial(type);
        bool stubFits = (isPartial || members.Any(m => m.IsPartialDefinition)) && AttributeReader.CanTakeTopLevelHalf(type);
        bool rejected = GeneratorReports.CompilerRejects(isPartial, AttributeReader.DeclaresPartialMembers(type), stubFits, members);
        var target = new ModelTarget(spec, Accessibility(type.DeclaredAccessibility), members.ToEquatableArray(), stubFits, HasErrors: true, Unsupported: null, rejected);
        return new ParsedModel(target, diagnostics.ToImmutable());
    }

    /// <summary>
    /// Reads the spec of a model class (<paramref name="attribute"/> null: the [SparseModel] defaults); layer-level
    /// problems go to <paramref name="diagnostics"/>.
    /// </summary>
    public static ModelSpec ReadSpec(INamedTypeSymbol type, AttributeData? attribute, FindingBag diagnostics, out List<LayerMember> members)
    {
        var layers = new List<LayerSpec>();
        members = new List<LayerMember>();
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            var layer = ParseLayer(property, diagnostics);
            if (layer is not null)
            {
                layers.Add(layer);
                bool implementable = property.Type.TypeKind != TypeKind.Error && property.RefKind == RefKind.None;
                members.Add(new LayerMember(property.Name, Accessibility(property.DeclaredAccessibility),
                    property.Type.ToDisplayString() == LayerType && property.IsPartialDefinition, property.IsStatic, property.SetMethod is not null,
                    property.IsPartialDefinition, property.IsPartialDefinition && implementable ? property.Type.ToDisplayString(WrittenType) : null));
            }
        }

        var spec = new ModelSpec(
            type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            attribute is null ? Loss.SoftmaxCrossEntropy : (Loss)AttributeReader.Named(attribute, "Loss", (int)Loss.SoftmaxCrossEntropy),
            attribute is null ? 0.0 : AttributeReader.Named(attribute, "Sparsity", 0.0),
            attribute is null ? Distribution.Uniform : (Distribution)AttributeReader.Named(attribute, "Distribution", (int)Distribution.Uniform),
            layers.ToEquatableArray());
        string? target = attribute is null ? null : AttributeReader.Named<string?>(attribute, "Target", null);
        return target is null ? spec : spec with { SparseTarget = target };
    }

    /// <summary>The layer attributes on <paramref name="property"/>, with the kind each declares, in a fixed order.</summary>
    private static IEnumerable<(LayerKind Kind, AttributeData Attribute)> LayerAttributes(IPropertySymbol property)
    {
        foreach (var (kind, name) in LayerAttributeNames)
        {
            if (AttributeReader.Find(property, name) is { } found)
            {
                yield return (kind, found);
            }
        }
    }

    private static readonly (LayerKind Kind, string Attribute)[] LayerAttributeNames =
    [
        (LayerKind.Input, InputAttribute),
        (LayerKind.Dense, DenseAttribute),
        (LayerKind.Embedding, EmbeddingAttribute),
        (LayerKind.TransformerBlock, TransformerBlockAttribute),
        (LayerKind.LayerNorm, LayerNormAttribute),
        (LayerKind.Unembedding, UnembeddingAttribute),
    ];

    private static LayerSpec? ParseLayer(IPropertySymbol property, FindingBag diagnostics)
    {
        var declared = LayerAttributes(property).ToList();
        var sparse = AttributeReader.Find(property, SparseAttribute);
        bool keepDense = AttributeReader.Find(property, KeepDenseAttribute) is not null;
        if (declared.Count == 0)
        {
            if (sparse is not null || keepDense)
            {
                diagnostics.Add(DiagnosticCatalog.InvalidLayerMember, property.Locations.FirstOrDefault(),
                    $"'{property.Name}' has [Sparse] or [KeepDense] but no layer attribute; add [Dense(units)] (or remove the attribute)");
            }

            return null;
        }

        var location = property.Locations.FirstOrDefault();
        if (declared.Count > 1)
        {
            string names = string.Join(" and ", declared.Select(d => "[" + d.Attribute.AttributeClass!.Name.Replace("Attribute", "") + "]"));
            diagnostics.Add(DiagnosticCatalog.InvalidLayerMember, location,
                $"'{property.Name}' has both {names}; a layer has exactly one layer attribute");
        }

        if (LayerMemberProblem(property) is string problem)
        {
            diagnostics.Add(DiagnosticCatalog.InvalidLayerMember, location,
                $"Layer '{property.Name}' {problem}; declare it 'public partial Layer {property.Name} {{ get; }}'");
        }

        var (pattern, sparsityInText, patternText) = SparsePattern(sparse);
        double? sparsity = SparsityOf(sparse) ?? sparsityInText;
        var (kind, attribute) = declared[0];
        var layer = kind switch
        {
            LayerKind.Dense => new LayerSpec(property.Name, kind, AttributeReader.Argument(attribute, 0, 0),
                (Activation)AttributeReader.Named(attribute, "Activation", (int)Activation.None), keepDense, pattern, sparsity),
            LayerKind.Embedding => new LayerSpec(property.Name, kind, AttributeReader.Argument(attribute, 1, 0), Activation.None, keepDense, pattern, sparsity)
            {
                Embedding = new EmbeddingSpec(AttributeReader.Argument(attribute, 0, 0), AttributeReader.Named(attribute, "Context", 128)),
            },
            LayerKind.TransformerBlock => new LayerSpec(property.Name, kind, 0, Activation.None, keepDense, pattern, sparsity)
            {
                Block = new BlockSpec(
                    AttributeReader.Argument(attribute, 0, 0),
                    AttributeReader.Named(attribute, "MlpRatio", BlockSpec.DefaultMlpRatio),
                    AttributeReader.Named(attribute, "Count", BlockSpec.DefaultCount),
                    AttributeReader.Named(attribute, "Mlp", BlockSpec.Gelu),
                    AttributeReader.Named(attribute, "Norm", BlockSpec.LayerNormKind),
                    AttributeReader.Named(attribute, "Positions", BlockSpec.Learned)),
                SparseTarget = sparse is null ? null : AttributeReader.Named<string?>(sparse, "Target", null),
            },
            LayerKind.Unembedding => new LayerSpec(property.Name, kind, 0, Activation.None, keepDense, pattern, sparsity)
            {
                TiedTo = AttributeReader.Named<string?>(attribute, "TiedTo", null),
            },
            // [Input(n)] and [LayerNorm] (whose width is the previous layer's).
            _ => new LayerSpec(property.Name, kind, kind == LayerKind.Input ? AttributeReader.Argument(attribute, 0, 0) : 0, Activation.None, keepDense, pattern, sparsity),
        };
        return layer with { PatternText = patternText };
    }

    /// <summary>
    /// Why a layer property is not the 'partial Layer Name { get; }' the generator implements, or null. A static or
    /// settable one would only fail later, as a compiler error on the generated half.
    /// </summary>
    private static string? LayerMemberProblem(IPropertySymbol property)
    {
        if (property.Type.ToDisplayString() != LayerType)
        {
            return property.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() == LayerType
                ? "is declared 'Layer?'; the generated layer is never null"
                : $"has type '{property.Type.ToDisplayString()}', not Layer";
        }

        if (!property.IsPartialDefinition)
        {
            return "is not a partial property";
        }

        if (property.IsStatic)
        {
            return "is static; a layer belongs to one model instance";
        }

        if (property.SetMethod is not null)
        {
            return "has a setter; the generator provides the layer, so it is get-only";
        }

        return null;
    }

    /// <summary>
    /// The [Sparse] pattern as written and, when it parses, as a spec with the sparsity the string may carry
    /// (<c>"unstructured 0.95"</c>). A pattern that does not parse is left to the rules (SPD102, in ModelRules),
    /// which see the text and report the column.
    /// </summary>
    private static (SparsityPatternSpec? Pattern, double? Sparsity, string? Text) SparsePattern(AttributeData? sparse)
    {
        if (sparse is null)
        {
            return (null, null, null);
        }

        string text = AttributeReader.Argument(sparse, 0, "");
        var result = Expressions.ParseSparse(text);
        return result.Success ? (result.Value!.Pattern, result.Value.Sparsity, text) : (null, null, text);
    }

    private static double? SparsityOf(AttributeData? sparse)
    {
        if (sparse is null || sparse.ConstructorArguments.Length < 2 || sparse.ConstructorArguments[1].Value is not double value)
        {
            return null;
        }

        return value;
    }

    internal static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Private => "private",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };
}
