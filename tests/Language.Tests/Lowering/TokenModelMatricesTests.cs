namespace SparseDsl.Language.Tests.Lowering;

using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

/// <summary>
/// <see cref="ModelMatrices"/> and <see cref="LayerDensities"/> on a language model: each block's q/k/v/o/up/(gate)/down,
/// in order, with the shapes the runtime builds; Target on the model and on the block's [Sparse] picks which of them
/// a sparsity reaches; the embedding, norm and head are never among them.
/// </summary>
public class TokenModelMatricesTests
{
    private static readonly string[] GeluParts = ["Q", "K", "V", "O", "Up", "Down"];

    [Fact]
    public void TinyLm_HasQkvoUpDownPerBlock_InOrder()
    {
        var matrices = ModelMatrices.Of(LanguageModel());

        var expected = Enumerable.Range(0, 4).SelectMany(l => GeluParts.Select(p => $"Blocks.{l}.{p}"));
        Assert.Equal(expected, matrices.Select(m => m.Name));
        Assert.All(matrices, m => Assert.Equal("Blocks", m.Layer));
    }

    [Fact]
    public void TinyLm_MatrixShapesAndRoles()
    {
        var block0 = ModelMatrices.Of(LanguageModel()).Take(6).ToDictionary(m => m.Name.Split('.')[2]);

        foreach (string part in new[] { "Q", "K", "V", "O" })
        {
            Assert.Equal((128, 128, MatrixRole.Attention), (block0[part].In, block0[part].Out, block0[part].Role));
        }

        Assert.Equal((128, 512, MatrixRole.Mlp), (block0["Up"].In, block0["Up"].Out, block0["Up"].Role));
        Assert.Equal((512, 128, MatrixRole.Mlp), (block0["Down"].In, block0["Down"].Out, block0["Down"].Role));
    }

    [Fact]
    public void MlpRatio_SetsTheHiddenWidth()
    {
        var up = ModelMatrices.Of(LanguageModel(Embedding(dim: 64), Blocks(mlpRatio: 2, count: 1), Norm(), Head())).Single(m => m.Name == "Blocks.0.Up");
        Assert.Equal((64, 128), (up.In, up.Out));
    }

    [Fact]
    public void SwiGlu_AddsAGateBetweenUpAndDown()
    {
        var matrices = ModelMatrices.Of(LanguageModel(Embedding(), Blocks(mlp: BlockSpec.SwiGlu, count: 2), Norm(), Head()));

        Assert.Equal(
            new[] { "Q", "K", "V", "O", "Up", "Gate", "Down" },
            matrices.Where(m => m.Name.StartsWith("Blocks.1.", System.StringComparison.Ordinal)).Select(m => m.Name.Split('.')[2]));
        Assert.Equal(14, matrices.Count);
        WeightMatrix gate = matrices.First(m => m.Name == "Blocks.0.Gate");
        Assert.Equal((128, 512, MatrixRole.Mlp), (gate.In, gate.Out, gate.Role));
    }

    [Fact]
    public void EmbeddingNormAndHead_AreNotSparsifiableMatrices()
    {
        var layers = ModelMatrices.Of(LanguageModel()).Select(m => m.Layer).Distinct();
        Assert.Equal(new[] { "Blocks" }, layers);
    }

    [Fact]
    public void DenseWeights_CountTheBlocksMatricesOnly() =>
        // 4 blocks x (4 x 128 x 128 + 2 x 128 x 512).
        Assert.Equal(4L * ((4 * 128 * 128) + (2 * 128 * 512)), ModelShapes.DenseWeights(LanguageModel()));

    [Fact]
    public void UniformTarget_ReachesEveryBlockMatrix()
    {
        DensityPlan plan = LayerDensities.Compute(LanguageModel());

        Assert.True(plan.Success, plan.Failure);
        Assert.Equal(24, plan.Layers.Count);
        Assert.All(plan.Layers, l => Assert.Equal((0.5, DensitySource.Target), (l.Density, l.Source)));
    }

    [Fact]
    public void ModelTargetMlp_KeepsAttentionDense()
    {
        DensityPlan plan = LayerDensities.Compute(LanguageModel(0.8, Distribution.Uniform) with { SparseTarget = SparseTargets.Mlp });

        Assert.True(plan.Success, plan.Failure);
        foreach (LayerDensity layer in plan.Layers)
        {
            string part = layer.Name.Split('.')[2];
            var expected = part is "Up" or "Down" ? (0.2, DensitySource.Target) : (1.0, DensitySource.KeepDense);
            Assert.Equal(expected, (System.Math.Round(layer.Density, 12), layer.Source));
        }
    }

    [Fact]
    public void ModelTargetAttention_KeepsTheMlpDense()
    {
        var matrices = ModelMatrices.Of(LanguageModel() with { SparseTarget = SparseTargets.Attention });

        Assert.All(matrices, m => Assert.Equal(m.Role == MatrixRole.Mlp, m.KeepDense));
    }

    [Fact]
    public void ErkTarget_KeepsTheTargetOverTheBlocksMatrices()
    {
        DensityPlan plan = LayerDensities.Compute(LanguageModel(0.9, Distribution.Erk));

        Assert.True(plan.Success, plan.Failure);
        double kept = plan.Layers.Sum(l => l.Density * l.DenseWeights);
        double dense = plan.Layers.Sum(l => (double)l.DenseWeights);
        Assert.InRange(System.Math.Abs(kept - (0.1 * dense)), 0, 1);

        // ERK: the square attention matrices (In + Out over In x Out larger) get a higher density than up and down.
        Assert.True(plan.DensityOf("Blocks.0.Q") > plan.DensityOf("Blocks.0.Up"));
    }

    [Fact]
    public void SparseOnTheBlockForAttention_ReachesOnlyQkvo()
    {
        var model = LanguageModel(0.8, Distribution.Uniform, Embedding(), Blocks().WithSparse("block 16x16 0.5", SparseTargets.Attention), Norm(), Head());
        SparsityPatternSpec block = Expressions.ParsePattern("block 16x16").Value!;

        foreach (WeightMatrix matrix in ModelMatrices.Of(model))
        {
            bool attention = matrix.Role == MatrixRole.Attention;
            Assert.Equal(attention ? block : null, matrix.Pattern);
            Assert.Equal(attention ? 0.5 : null, matrix.Sparsity);
            Assert.False(matrix.KeepDense, matrix.Name);
        }

        // q/k/v/o keep their own density; up and down follow the model's target.
        DensityPlan plan = LayerDensities.Compute(model);
        Assert.True(plan.Success, plan.Failure);
        Assert.All(plan.Layers, l => Assert.Equal(
            l.Name.EndsWith(".Up", System.StringComparison.Ordinal) || l.Name.EndsWith(".Down", System.StringComparison.Ordinal) ? (0.2, DensitySource.Target) : (0.5, DensitySource.Own),
            (System.Math.Round(l.Density, 12), l.Source)));
    }

    [Fact]
    public void SparseOnTheBlockForAttention_WithModelTargetAttention_LeavesTheMlpDense()
    {
        var model = LanguageModel(0, Distribution.Uniform, Embedding(), Blocks().WithSparse("unstructured 0.9", SparseTargets.Attention), Norm(), Head())
            with { SparseTarget = SparseTargets.Attention };

        Assert.All(ModelMatrices.Of(model), m => Assert.Equal(m.Role == MatrixRole.Mlp, m.KeepDense));
    }

    [Fact]
    public void KeepDenseBlock_AllMatricesDense() =>
        Assert.All(ModelMatrices.Of(LanguageModel(Embedding(), Blocks() with { KeepDense = true }, Norm(), Head())), m => Assert.True(m.KeepDense));
}
