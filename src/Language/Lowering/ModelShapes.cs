using System;
using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>
/// A layer's shape. Dense: <see cref="In"/> is the previous layer's units, <see cref="Out"/> its own units, and
/// the weight matrix is Out × In. Input: In = Out = its size and no weights.
/// </summary>
public sealed record LayerShape(string Name, LayerKind Kind, int In, int Out)
{
    public bool HasWeights => Kind != LayerKind.Input;

    /// <summary>In × Out for a weight layer, 0 for an input.</summary>
    public long DenseWeights => HasWeights ? (long)Math.Max(In, 0) * Math.Max(Out, 0) : 0;

    /// <summary>Weights kept at <paramref name="density"/>: round(d · In · Out), at least 1 when d &gt; 0.</summary>
    public long ActiveWeights(double density) => ModelShapes.ActiveWeights(DenseWeights, density);
}

/// <summary>Shapes, weight counts and FLOPs of a model; the generator and the runtime both count with this.</summary>
public static class ModelShapes
{
    /// <summary>Every layer's shape in declaration order (inputs included).</summary>
    public static IReadOnlyList<LayerShape> Of(ModelSpec model)
    {
        var shapes = new List<LayerShape>(model.Layers.Count);
        int previous = 0;
        foreach (LayerSpec layer in model.Layers)
        {
            shapes.Add(layer.Kind == LayerKind.Input
                ? new LayerShape(layer.Name, LayerKind.Input, layer.Units, layer.Units)
                : new LayerShape(layer.Name, layer.Kind, previous, layer.Units));
            previous = layer.Units;
        }

        return shapes;
    }

    /// <summary>round(d · dense) with at least one weight for d &gt; 0, and never more than dense.</summary>
    public static long ActiveWeights(long denseWeights, double density)
    {
        if (denseWeights <= 0 || !(density > 0))
        {
            return 0;
        }

        long active = (long)Math.Round(Math.Min(density, 1.0) * denseWeights, MidpointRounding.AwayFromZero);
        return Math.Min(denseWeights, Math.Max(1, active));
    }

    /// <summary>Weights of the dense model (inputs have none).</summary>
    public static long DenseWeights(ModelSpec model)
    {
        long total = 0;
        foreach (LayerShape shape in Of(model))
        {
            total += shape.DenseWeights;
        }

        return total;
    }

    /// <summary>Weights kept under <paramref name="plan"/>, summed over the weight layers.</summary>
    public static long ActiveWeights(DensityPlan plan)
    {
        long total = 0;
        foreach (LayerDensity layer in plan.Layers)
        {
            total += layer.ActiveWeights;
        }

        return total;
    }

    /// <summary>Multiply-adds of one sample's forward pass, counted as 2 FLOPs per active weight.</summary>
    public static long ForwardFlopsPerSample(DensityPlan plan) => 2 * ActiveWeights(plan);
}
