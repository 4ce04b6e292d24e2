using System.Collections.Generic;
using System.Linq;
using SparseDsl.Language;

namespace SparseDsl.Generator.Lowering;

/// <summary>
/// A layer with its shape, density source and block-CSR tile shapes resolved: what the emitters need, nothing Roslyn.
/// <see cref="Tiles"/> are the tiles a run can store the layer in (<see cref="LayerTiles"/>), one kernel set each.
/// </summary>
internal sealed record LoweredLayer(LayerSpec Spec, int Index, LayerShape Shape, LayerDensity? Declared, EquatableArray<TileShape> Tiles)
{
    public string Name => Spec.Name;

    public int In => Shape.In;

    public int Out => Shape.Out;

    public bool HasWeights => Shape.HasWeights;

    /// <summary>The private field holding the layer: <c>hidden1Layer</c>.</summary>
    public string Field => Camel + "Layer";

    /// <summary>The local holding the layer's output in Forward: <c>hidden1Out</c>.</summary>
    public string Output => Camel + "Out";

    /// <summary>The local holding ∂loss/∂(layer input) in Backward: <c>hidden1Grad</c>.</summary>
    public string Gradient => Camel + "Grad";

    /// <summary>The struct carrying the layer's sizes: <c>Hidden1Shape</c>.</summary>
    public string ShapeStruct => Spec.Name + "Shape";

    /// <summary>
    /// Whether a run can store this layer dense: any weight layer can (a grid target of 0 gives density 1, and gradual
    /// pruning starts a layer at its initial density, dense from=0).
    /// </summary>
    public bool CanBeDense => HasWeights;

    /// <summary>Whether a run can store this layer sparse.</summary>
    public bool CanBeSparse => Declared is { Source: DensitySource.Target } || Declared?.Density < 1.0;

    /// <summary>
    /// Whether a run can store this layer in CSR: sparse with a pattern kept per weight (unstructured or N:M). A layer
    /// with its own block or rows pattern is block-CSR whenever it is sparse (<see cref="Tiles"/>).
    /// </summary>
    public bool CanBeCsr => CanBeSparse && Spec.Pattern?.Kind is null or PatternKind.Unstructured or PatternKind.NOfM;

    private string Camel => char.ToLowerInvariant(Spec.Name[0]) + Spec.Name.Substring(1);
}

/// <summary>
/// The generator's lowered model: shapes from <see cref="ModelShapes"/>, densities from <see cref="LayerDensities"/>,
/// tiles from <see cref="LayerTiles"/> over the patterns of the 'pattern' grid axes that name this model.
/// </summary>
internal sealed record LoweredModel(ModelSpec Spec, IReadOnlyList<LoweredLayer> Layers, DensityPlan Declared)
{
    public static LoweredModel Lower(ModelSpec spec, IEnumerable<SparsityPatternSpec> gridPatterns)
    {
        var shapes = ModelShapes.Of(spec);
        var declared = LayerDensities.Compute(spec);
        var patterns = gridPatterns.ToList();
        var layers = spec.Layers
            .Select((layer, i) => new LoweredLayer(layer, i, shapes[i], declared.Layers.FirstOrDefault(d => d.Name == layer.Name), LayerTiles.Of(layer, shapes[i], patterns)))
            .ToList();
        return new LoweredModel(spec, layers, declared);
    }
}
