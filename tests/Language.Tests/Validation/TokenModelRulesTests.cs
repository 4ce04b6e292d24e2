namespace SparseDsl.Language.Tests.Validation;

using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

/// <summary>
/// <see cref="ModelRules"/> on language models: the README's TinyLm is clean, and each broken variant gives exactly
/// its rule, at its target.
/// </summary>
public class TokenModelRulesTests
{
    private static void OnlyRule(ModelSpec model, string id)
    {
        var violations = ModelRules.Validate(model);
        Assert.True(violations.Count > 0 && violations.All(v => v.Rule.Id == id), $"expected only {id}, got: {string.Join(" | ", violations)}");
    }

    private static ViolationTarget Member(string member, string? attribute = null, int? index = null, string? name = null) =>
        new("Examples.TinyLm", member, attribute, index, name);

    [Fact]
    public void TinyLm_IsClean() => ModelRules.Validate(LanguageModel()).Clean();

    [Fact]
    public void TinyLm_IsATokenModel()
    {
        Assert.True(LanguageModel().IsTokenModel);
        Assert.False(SetMlp().IsTokenModel);
    }

    [Theory]
    [InlineData(BlockSpec.SwiGlu, BlockSpec.RmsNormKind, BlockSpec.Rotary)]
    [InlineData(BlockSpec.Gelu, BlockSpec.RmsNormKind, BlockSpec.Learned)]
    [InlineData(BlockSpec.SwiGlu, BlockSpec.LayerNormKind, BlockSpec.Learned)]
    public void LlamaVariants_AreClean(string mlp, string norm, string positions) =>
        ModelRules.Validate(LanguageModel(Embedding(), Blocks(mlp: mlp, norm: norm, positions: positions), Norm(), Head())).Clean();

    [Theory]
    [InlineData(0.0, Distribution.Uniform)]
    [InlineData(0.9, Distribution.Erk)]
    [InlineData(0.8, Distribution.Er)]
    public void SparsityTargetsAndDistributions_AreClean(double sparsity, Distribution distribution) =>
        ModelRules.Validate(LanguageModel(sparsity, distribution, Embedding(), Blocks(), Norm(), Head())).Clean();

    [Fact]
    public void UntiedHead_IsClean() => ModelRules.Validate(LanguageModel(Embedding(), Blocks(), Norm(), Head(tiedTo: null))).Clean();

    [Fact]
    public void SparseOnTheBlockForTheMlp_IsClean() =>
        ModelRules.Validate(LanguageModel(Embedding(), Blocks().WithSparse("unstructured 0.9", SparseTargets.Mlp), Norm(), Head())).Clean();

    // SPD003: the layers, once each and in order.

    [Fact]
    public void NormMissing_ReportsSPD003AtTheHead()
    {
        OnlyRule(LanguageModel(Embedding(), Blocks(), Head()), "SPD003");
        Assert.Equal(Member("Head", "Unembedding"), ModelRules.Validate(LanguageModel(Embedding(), Blocks(), Head())).Single("SPD003").Target);
    }

    [Fact]
    public void HeadMissing_ReportsSPD003AtTheModel()
    {
        Violation v = ModelRules.Validate(LanguageModel(Embedding(), Blocks(), Norm())).Single("SPD003");
        Assert.Equal(new ViolationTarget("Examples.TinyLm"), v.Target);
        Assert.Contains("has no [Unembedding] layer", v.Message);
    }

    [Fact]
    public void HeadBeforeNorm_ReportsSPD003()
    {
        OnlyRule(LanguageModel(Embedding(), Blocks(), Head(), Norm()), "SPD003");
        Assert.StartsWith("Layer 3 of language model 'TinyLm' is [Unembedding] 'Head' where [LayerNorm] belongs", ModelRules.Validate(LanguageModel(Embedding(), Blocks(), Head(), Norm())).Single("SPD003").Message);
    }

    [Fact]
    public void TwoBlockLayers_ReportsSPD003AtTheSecond()
    {
        OnlyRule(LanguageModel(Embedding(), Blocks(), Blocks(name: "More"), Norm(), Head()), "SPD003");
        Assert.Equal(Member("More", "TransformerBlock"), ModelRules.Validate(LanguageModel(Embedding(), Blocks(), Blocks(name: "More"), Norm(), Head())).Single("SPD003").Target);
    }

    [Fact]
    public void ALayerAfterTheHead_ReportsSPD003()
    {
        var model = LanguageModel(Embedding(), Blocks(), Norm(), Head(), Norm("Again"));
        OnlyRule(model, "SPD003");
        Assert.Contains("where no layer belongs", ModelRules.Validate(model).Single("SPD003").Message);
    }

    [Fact]
    public void DenseAmongTokenLayers_ReportsSPD003AtTheDenseLayer()
    {
        var model = LanguageModel(Embedding(), Blocks(), Dense("Extra", 128), Norm(), Head());
        OnlyRule(model, "SPD003");
        Assert.Equal(Member("Extra"), ModelRules.Validate(model).Single("SPD003").Target);
    }

    [Fact]
    public void InputBeforeTheEmbedding_ReportsSPD003AtTheInput()
    {
        var model = LanguageModel(Input(128), Embedding(), Blocks(), Norm(), Head());
        OnlyRule(model, "SPD003");
        Assert.Equal(Member("Pixels"), ModelRules.Validate(model).Single("SPD003").Target);
    }

    // SPD004: sizes and counts.

    [Theory]
    [InlineData("vocab")]
    [InlineData("dim")]
    [InlineData("Context")]
    [InlineData("heads")]
    [InlineData("MlpRatio")]
    [InlineData("Count")]
    public void SizeNotPositive_ReportsSPD004AtItsArgument(string size)
    {
        var model = size switch
        {
            "vocab" => LanguageModel(Embedding(vocab: 0), Blocks(), Norm(), Head()),
            "dim" => LanguageModel(Embedding(dim: 0), Blocks(), Norm(), Head()),
            "Context" => LanguageModel(Embedding(context: 0), Blocks(), Norm(), Head()),
            "heads" => LanguageModel(Embedding(), Blocks(heads: 0), Norm(), Head()),
            "MlpRatio" => LanguageModel(Embedding(), Blocks(mlpRatio: 0), Norm(), Head()),
            _ => LanguageModel(Embedding(), Blocks(count: -1), Norm(), Head()),
        };
        OnlyRule(model, "SPD004");
        ViolationTarget expected = size switch
        {
            "vocab" => Member("Tokens", "Embedding", index: 0),
            "dim" => Member("Tokens", "Embedding", index: 1),
            "Context" => Member("Tokens", "Embedding", name: "Context"),
            "heads" => Member("Blocks", "TransformerBlock", index: 0),
            _ => Member("Blocks", "TransformerBlock", name: size),
        };
        Assert.Equal(expected, ModelRules.Validate(model).Single("SPD004").Target);
    }

    // SPD006: the loss.

    [Theory]
    [InlineData(Loss.SoftmaxCrossEntropy)]
    [InlineData(Loss.MeanSquaredError)]
    public void AnotherLoss_ReportsSPD006AtTheLoss(Loss loss)
    {
        var model = LanguageModel() with { Loss = loss };
        OnlyRule(model, "SPD006");
        Assert.Equal(new ViolationTarget("Examples.TinyLm", Attribute: "SparseModel", ArgumentName: "Loss"), ModelRules.Validate(model).Single("SPD006").Target);
    }

    [Fact]
    public void OneTokenVocabulary_ReportsSPD006AtTheVocab()
    {
        var model = LanguageModel(Embedding(vocab: 1), Blocks(), Norm(), Head());
        OnlyRule(model, "SPD006");
        Assert.Equal(Member("Tokens", "Embedding", index: 0), ModelRules.Validate(model).Single("SPD006").Target);
    }

    [Fact]
    public void NextTokenOnAnMlp_ReportsSPD006()
    {
        var model = SetMlp() with { Loss = Loss.NextToken };
        OnlyRule(model, "SPD006");
        Assert.StartsWith("Loss.NextToken needs a language model", ModelRules.Validate(model).Single("SPD006").Message);
    }

    // SPD009: heads.

    [Theory]
    [InlineData(128, 6)]
    [InlineData(128, 3)]
    [InlineData(96, 64)]
    public void HeadsThatDoNotDivideTheWidth_ReportSPD009AtTheHeads(int dim, int heads)
    {
        var model = LanguageModel(Embedding(dim: dim), Blocks(heads: heads), Norm(), Head());
        OnlyRule(model, "SPD009");
        Assert.Equal(Member("Blocks", "TransformerBlock", index: 0), ModelRules.Validate(model).Single("SPD009").Target);
    }

    [Fact]
    public void OddHeadWidthWithRotaryPositions_ReportsSPD009() =>
        OnlyRule(LanguageModel(Embedding(dim: 120), Blocks(heads: 8, positions: BlockSpec.Rotary), Norm(), Head()), "SPD009");

    [Fact]
    public void OddHeadWidthWithLearnedPositions_IsClean() =>
        ModelRules.Validate(LanguageModel(Embedding(dim: 120), Blocks(heads: 8), Norm(), Head())).Clean();

    // SPD010: option values.

    [Theory]
    [InlineData("Mlp")]
    [InlineData("Norm")]
    [InlineData("Positions")]
    public void UnknownBlockOption_ReportsSPD010AtTheOption(string option)
    {
        var block = option switch
        {
            "Mlp" => Blocks(mlp: "relu"),
            "Norm" => Blocks(norm: "RMSNorm"),
            _ => Blocks(positions: "rope"),
        };
        var model = LanguageModel(Embedding(), block, Norm(), Head());
        OnlyRule(model, "SPD010");
        Assert.Equal(Member("Blocks", "TransformerBlock", name: option), ModelRules.Validate(model).Single("SPD010").Target);
    }

    [Fact]
    public void UnknownModelTarget_ReportsSPD010AtTheTarget()
    {
        var model = LanguageModel() with { SparseTarget = "attn" };
        OnlyRule(model, "SPD010");
        Assert.Equal(new ViolationTarget("Examples.TinyLm", Attribute: "SparseModel", ArgumentName: "Target"), ModelRules.Validate(model).Single("SPD010").Target);
    }

    [Fact]
    public void UnknownSparseTargetOnTheBlock_ReportsSPD010AtTheSparseTarget()
    {
        var model = LanguageModel(Embedding(), Blocks().WithSparse("unstructured 0.5", "ffn"), Norm(), Head());
        Violation v = ModelRules.Validate(model).Single("SPD010");
        Assert.Equal(Member("Blocks", "Sparse", name: "Target"), v.Target);
        Assert.Equal("Target = \"ffn\" of 'Blocks' is not one of \"all\", \"attention\", \"mlp\"; use one of them", v.Message);
    }

    // SPD011: TiedTo.

    [Theory]
    [InlineData("Final")]
    [InlineData("Head")]
    [InlineData("Token")]
    [InlineData("")]
    public void TiedToAnythingButTheEmbedding_ReportsSPD011AtTiedTo(string tiedTo)
    {
        var model = LanguageModel(Embedding(), Blocks(), Norm(), Head(tiedTo));
        OnlyRule(model, "SPD011");
        Assert.Equal(Member("Head", "Unembedding", name: "TiedTo"), ModelRules.Validate(model).Single("SPD011").Target);
    }

    // SPD101, SPD107, SPD109 and the pattern rules on the block's matrices.

    [Fact]
    public void ModelSparsityAboveOne_ReportsSPD101() =>
        OnlyRule(LanguageModel(1.5, Distribution.Uniform, Embedding(), Blocks(), Norm(), Head()), "SPD101");

    [Fact]
    public void SparseOnTheEmbedding_ReportsSPD107AtTheSparseAttribute()
    {
        var model = LanguageModel(Embedding().WithSparse("unstructured 0.5"), Blocks(), Norm(), Head());
        OnlyRule(model, "SPD107");
        Assert.Equal(Member("Tokens", "Sparse"), ModelRules.Validate(model).Single("SPD107").Target);
    }

    [Fact]
    public void SparseOnTheNorm_ReportsSPD107() =>
        OnlyRule(LanguageModel(Embedding(), Blocks(), Norm().WithSparse("unstructured 0.5"), Head()), "SPD107");

    [Fact]
    public void SparseOnTheHead_ReportsSPD107() =>
        OnlyRule(LanguageModel(Embedding(), Blocks(), Norm(), Head().WithSparse("block 16x16 0.5")), "SPD107");

    [Fact]
    public void KeepDenseAndSparseOnTheBlock_ReportsSPD109AtKeepDense()
    {
        var model = LanguageModel(Embedding(), Blocks().WithSparse("unstructured 0.5") with { KeepDense = true }, Norm(), Head());
        OnlyRule(model, "SPD109");
        Assert.Equal(Member("Blocks", "KeepDense"), ModelRules.Validate(model).Single("SPD109").Target);
    }

    [Fact]
    public void PatternThatDoesNotParseOnTheBlock_ReportsSPD102() =>
        OnlyRule(LanguageModel(Embedding(), Blocks().WithSparse("block 16y16"), Norm(), Head()), "SPD102");

    [Fact]
    public void BlockThatDividesEveryMatrix_IsClean() =>
        ModelRules.Validate(LanguageModel(0, Distribution.Uniform, Embedding(), Blocks().WithSparse("block 16x16 0.5"), Norm(), Head())).Clean();

    [Fact]
    public void BlockThatDoesNotDivideTheMatrices_ReportsSPD103OncePerShape()
    {
        var violations = ModelRules.Validate(LanguageModel(0, Distribution.Uniform, Embedding(), Blocks().WithSparse("block 48x48 0.5"), Norm(), Head()));
        Assert.All(violations, v => Assert.Equal("SPD103", v.Rule.Id));

        // q/k/v/o (128 x 128), up (512 x 128) and down (128 x 512): one violation per distinct shape, named by its matrix.
        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.Message.Contains("'Blocks (Q)' (128 outputs x 128 inputs)"));
        Assert.Contains(violations, v => v.Message.Contains("'Blocks (Up)' (512 outputs x 128 inputs)"));
        Assert.Contains(violations, v => v.Message.Contains("'Blocks (Down)' (128 outputs x 512 inputs)"));
    }

    [Fact]
    public void BlockLargerThanTheAttentionOnly_ReportsSPD108ForTheReachedMatrices()
    {
        // 256x256 is larger than the 128 x 128 q/k/v/o, but with Target = "mlp" it reaches only up and down, which it
        // also exceeds (128 inputs to up, 128 outputs of down).
        var violations = ModelRules.Validate(LanguageModel(0, Distribution.Uniform, Embedding(), Blocks().WithSparse("block 256x256 0.5", SparseTargets.Mlp), Norm(), Head()));
        Assert.All(violations, v => Assert.Equal("SPD108", v.Rule.Id));
        Assert.Equal(2, violations.Count);
        Assert.DoesNotContain(violations, v => v.Message.Contains("(Q)"));
    }

    [Fact]
    public void NOfMWhoseGroupDoesNotDivideTheWidth_ReportsSPD104() =>
        OnlyRule(LanguageModel(0, Distribution.Uniform, Embedding(), Blocks().WithSparse("2:3"), Norm(), Head()), "SPD104");

    [Fact]
    public void NOfMThatFitsEveryMatrix_IsClean() =>
        ModelRules.Validate(LanguageModel(0, Distribution.Uniform, Embedding(), Blocks().WithSparse("2:4"), Norm(), Head())).Clean();

    [Fact]
    public void EveryMatrixWithItsOwnSparsity_AndAModelTarget_ReportsSPD106() =>
        OnlyRule(LanguageModel(0.5, Distribution.Uniform, Embedding(), Blocks().WithSparse("unstructured 0.8"), Norm(), Head()), "SPD106");
}
