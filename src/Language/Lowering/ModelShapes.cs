using System;
using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>
/// A layer's shape. Dense: <see cref="In"/> is the previous layer's units, <see cref="Out"/> its own units, and
/// the weight matrix is Out × In. Input: In = Out = its size and no weights. Token layers: an embedding maps the
/// vocabulary to its width (In = vocab), blocks and norms keep the width, the head maps the width to the vocabulary;
/// their matrices are in <see cref="ModelMatrices"/>, so <see cref="HasWeights"/> (one In × Out matrix) is false.
/// </summary>
public sealed record LayerShape(string Name, LayerKind Kind, int In, int Out)
{
    public bool HasWeights => Kind == LayerKind.Dense;

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
            LayerShape shape = layer.Kind switch
            {
                LayerKind.Input => new LayerShape(layer.Name, LayerKind.Input, layer.Units, layer.Units),
                LayerKind.Embedding => new LayerShape(layer.Name, layer.Kind, layer.Embedding?.Vocab ?? 0, layer.Units),
                LayerKind.TransformerBlock or LayerKind.LayerNorm => new LayerShape(layer.Name, layer.Kind, previous, previous),
                LayerKind.Unembedding => new LayerShape(layer.Name, layer.Kind, previous, layer.Units > 0 ? layer.Units : Vocab(model)),
                _ => new LayerShape(layer.Name, layer.Kind, previous, layer.Units),
            };
            shapes.Add(shape);
            previous = shape.Out;
        }

        return shapes;
    }

    /// <summary>The vocabulary of a token model's first [Embedding]; 0 when it has none.</summary>
    public static int Vocab(ModelSpec model)
    {
        foreach (LayerSpec layer in model.Layers)
        {
            if (layer.Embedding is { } embedding)
            {
                return embedding.Vocab;
            }
        }

        return 0;
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

    /// <summary>Weights of the dense model's sparsifiable matrices (inputs, embeddings, norms and biases not counted).</summary>
    public static long DenseWeights(ModelSpec model)
    {
        long total = 0;
        foreach (WeightMatrix matrix in ModelMatrices.Of(model))
        {
            total += matrix.DenseWeights;
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
