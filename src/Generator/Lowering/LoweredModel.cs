using System.Collections.Generic;
using SparseDsl.Language;

namespace SparseDsl.Generator.Lowering;

/// <summary>How a layer's density is decided.</summary>
internal enum DensitySource
{
    /// <summary>An [Input]: no weights.</summary>
    None,

    /// <summary>[KeepDense]: always dense.</summary>
    KeepDense,

    /// <summary>Its own [Sparse(pattern, sparsity)]: fixed, whatever the grid says.</summary>
    Own,

    /// <summary>Shares the model-level target (the grid's sparsity axis) through the distribution.</summary>
    ModelTarget,
}

/// <summary>A layer with its shape resolved: what the emitters need, nothing Roslyn.</summary>
internal sealed record LoweredLayer(LayerSpec Spec, int Index, int In, int Out, DensitySource Density)
{
    public string Name => Spec.Name;

    /// <summary>The private field holding the layer: <c>hidden1Layer</c>.</summary>
    public string Field => Camel + "Layer";

    /// <summary>The local holding the layer's output in Forward: <c>hidden1Out</c>.</summary>
    public string Output => Camel + "Out";

    /// <summary>The local holding ∂loss/∂(layer input) in Backward: <c>hidden1Grad</c>.</summary>
    public string Gradient => Camel + "Grad";

    private string Camel => char.ToLowerInvariant(Spec.Name[0]) + Spec.Name.Substring(1);

    public string Shape => Spec.Name + "Shape";

    public bool HasWeights => Spec.Kind == LayerKind.Dense;
}

internal sealed record LoweredModel(ModelSpec Spec, IReadOnlyList<LoweredLayer> Layers)
{
    /// <summary>Input sizes follow from declaration order: a dense layer reads the layer above it.</summary>
    public static LoweredModel Lower(ModelSpec spec)
    {
        var layers = new List<LoweredLayer>();
        int previous = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            int inputs = layer.Kind == LayerKind.Input ? layer.Units : previous;
            var density = layer.Kind == LayerKind.Input ? DensitySource.None
                : layer.HasOwnSparsity ? DensitySource.Own
                : layer.KeepDense ? DensitySource.KeepDense
                : DensitySource.ModelTarget;
            layers.Add(new LoweredLayer(layer, i, inputs, layer.Units, density));
            previous = layer.Units;
        }

        return new LoweredModel(spec, layers);
    }
}
