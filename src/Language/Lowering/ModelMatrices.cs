using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>What a weight matrix does in its model: which sparsity <c>Target</c> covers it.</summary>
public enum MatrixRole
{
    /// <summary>A [Dense] layer's matrix.</summary>
    Dense,

    /// <summary>A transformer block's q, k, v or o projection.</summary>
    Attention,

    /// <summary>A transformer block's MLP projection (up, gate, down).</summary>
    Mlp,
}

/// <summary>
/// One weight matrix a sparsity target can reach, W[<see cref="Out"/>, <see cref="In"/>], with what its declaration
/// says about its sparsity: <see cref="KeepDense"/>, or its own <see cref="Pattern"/> / <see cref="Sparsity"/>, or
/// neither (it follows the model's target). <see cref="Layer"/> names the declared layer it belongs to.
/// </summary>
public sealed record WeightMatrix(
    string Name,
    string Layer,
    int In,
    int Out,
    MatrixRole Role,
    bool KeepDense,
    SparsityPatternSpec? Pattern,
    double? Sparsity)
{
    public long DenseWeights => (long)System.Math.Max(In, 0) * System.Math.Max(Out, 0);
}

/// <summary>
/// The sparsifiable matrices of a model, in a stable order (the order of seeds, densities and parameters): a [Dense]
/// layer is one matrix named after it; a [TransformerBlock] with Count = L gives, for l = 0 … L−1, <c>Blocks.l.Q</c>,
/// <c>.K</c>, <c>.V</c>, <c>.O</c> (width → width), <c>.Up</c> (and <c>.Gate</c> for SwiGLU; width → ratio·width) and
/// <c>.Down</c> (ratio·width → width). Embeddings, norms and the head are dense parameters outside this list.
/// </summary>
public static class ModelMatrices
{
    public static IReadOnlyList<WeightMatrix> Of(ModelSpec model)
    {
        IReadOnlyList<LayerShape> shapes = ModelShapes.Of(model);
        var matrices = new List<WeightMatrix>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            LayerShape shape = shapes[i];
            if (layer.Kind == LayerKind.Dense)
            {
                matrices.Add(new WeightMatrix(layer.Name, layer.Name, shape.In, shape.Out, MatrixRole.Dense, layer.KeepDense, layer.Pattern, layer.Sparsity));
            }
            else if (layer.Kind == LayerKind.TransformerBlock && layer.Block is { } block)
            {
                AddBlocks(model, layer, block, shape.Out, matrices);
            }
        }

        return matrices;
    }

    /// <summary>The hidden width of a block's MLP: ratio × width.</summary>
    public static int Hidden(BlockSpec block, int width) => block.MlpRatio * width;

    /// <summary>The matrix names of block <paramref name="index"/> of <paramref name="layer"/>, in order.</summary>
    public static string MatrixName(string layer, int index, string part) => layer + "." + index + "." + part;

    /// <summary>
    /// What reaches a block matrix of <paramref name="role"/>: the block's own [Sparse] where its Target covers the role
    /// (<c>Own</c>), the model's target where the model's Target covers it and the block is not [KeepDense]
    /// (<c>FollowsModel</c>); a matrix reached by neither stays dense.
    /// </summary>
    public static (bool Own, bool FollowsModel) Reach(ModelSpec model, LayerSpec block, MatrixRole role) =>
        (block.Pattern is not null && SparseTargets.Covers(block.SparseTarget, role),
         !block.KeepDense && SparseTargets.Covers(model.SparseTarget, role));

    private static void AddBlocks(ModelSpec model, LayerSpec layer, BlockSpec block, int width, List<WeightMatrix> matrices)
    {
        int hidden = Hidden(block, width);
        for (int l = 0; l < block.Count; l++)
        {
            Add("Q", width, width, MatrixRole.Attention);
            Add("K", width, width, MatrixRole.Attention);
            Add("V", width, width, MatrixRole.Attention);
            Add("O", width, width, MatrixRole.Attention);
            Add("Up", width, hidden, MatrixRole.Mlp);
            if (block.IsSwiGlu)
            {
                Add("Gate", width, hidden, MatrixRole.Mlp);
            }

            Add("Down", hidden, width, MatrixRole.Mlp);

            void Add(string part, int inputs, int outputs, MatrixRole role)
            {
                var (own, followsModel) = Reach(model, layer, role);
                matrices.Add(new WeightMatrix(
                    MatrixName(layer.Name, l, part),
                    layer.Name,
                    inputs,
                    outputs,
                    role,
                    KeepDense: !own && !followsModel,
                    own ? layer.Pattern : null,
                    own ? layer.Sparsity : null));
            }
        }
    }
}
