namespace SparseDsl.Language.Tests.Validation;

using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

public class ModelRulesTests
{
    private static readonly SparsityPatternSpec Unstructured = SparsityPatternSpec.Unstructured;

    [Fact]
    public void SetMlp_IsClean() => ModelRules.Validate(SetMlp()).Clean();

    [Fact]
    public void OwnUnstructuredSparsity_IsClean() =>
        ModelRules.Validate(Model(Input(784), Dense("Hidden", 100, Unstructured, 0.9), Dense("Output", 10))).Clean();

    [Fact]
    public void NoLayers_ReportsSPD003()
    {
        Violation v = ModelRules.Validate(Model()).Single("SPD003");
        Assert.Contains("declares no layers", v.Message);
        Assert.Equal("Examples.Mlp", v.Target.TypeName);
    }

    [Fact]
    public void FirstLayerNotInput_ReportsSPD003()
    {
        Violation v = ModelRules.Validate(Model(Dense("Hidden", 10), Dense("Output", 10))).Single("SPD003");
        Assert.Equal("Hidden", v.Target.MemberName);
        Assert.Contains("declare an [Input(n)] property before it", v.Message);
    }

    [Fact]
    public void InputAfterDense_ReportsSPD003()
    {
        Violation v = ModelRules.Validate(Model(Input(4), Dense("Hidden", 10), Input(3, "Late"))).Single("SPD003");
        Assert.Equal("Late", v.Target.MemberName);
        Assert.Equal("Input", v.Target.Attribute);
    }

    [Fact]
    public void OnlyInput_ReportsSPD003() =>
        Assert.Contains("add at least one [Dense(units)]", ModelRules.Validate(Model(Input(4))).Single("SPD003").Message);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void DenseSizeNotPositive_ReportsSPD004(int units)
    {
        Violation v = ModelRules.Validate(Model(Input(4), Dense("Hidden", units), Dense("Output", 10))).Single("SPD004");
        Assert.Equal(new ViolationTarget("Examples.Mlp", "Hidden", "Dense", 0), v.Target);
        Assert.Contains($"has size {units}", v.Message);
    }

    [Fact]
    public void InputSizeZero_ReportsSPD004() =>
        Assert.Equal("Input", ModelRules.Validate(Model(Input(0), Dense("Output", 10))).Single("SPD004").Target.Attribute);

    [Fact]
    public void SoftmaxOnOneUnit_ReportsSPD006()
    {
        Violation v = ModelRules.Validate(Model(Input(4), Dense("Output", 1))).Single("SPD006");
        Assert.Equal("Loss", v.Target.ArgumentName);
        Assert.Contains("MeanSquaredError", v.Message);
    }

    [Fact]
    public void MseOnOneUnit_IsClean() =>
        ModelRules.Validate(Model(Input(4), Dense("Output", 1)) with { Loss = Loss.MeanSquaredError }).Clean();

    [Theory]
    [InlineData(1.2)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void SparsityAboveOne_ReportsSPD101(double sparsity)
    {
        Violation v = ModelRules.Validate(Model(Input(784), Dense("Hidden2", 100, Unstructured, sparsity), Dense("Output", 10))).Single("SPD101");
        Assert.Contains("of layer 'Hidden2' must be in [0, 1); use a value like 0.9", v.Message);
        Assert.Equal(new ViolationTarget("Examples.Mlp", "Hidden2", "Sparse", 1), v.Target);
    }

    [Fact]
    public void ModelSparsityOutOfRange_ReportsSPD101OnSparseModel()
    {
        Violation v = ModelRules.Validate(SetMlp(sparsity: 1.5)).Single("SPD101");
        Assert.Equal("SparseModel", v.Target.Attribute);
        Assert.Equal("Sparsity", v.Target.ArgumentName);
        Assert.DoesNotContain("SPD106", ModelRules.Validate(SetMlp(sparsity: 1.5)).Ids());
    }

    [Fact]
    public void PatternTextDoesNotParse_ReportsSPD102WithColumn()
    {
        LayerSpec layer = Dense("Hidden", 64) with { PatternText = "block 16y16" };
        Violation v = ModelRules.Validate(Model(Input(64), layer, Dense("Output", 10))).Single("SPD102");
        Assert.Equal(9, v.Target.Column);
        Assert.Equal(3, v.Target.Length);
        Assert.Equal("Sparse", v.Target.Attribute);
        Assert.Equal(0, v.Target.ArgumentIndex);
        Assert.Contains("unexpected 'y16'", v.Message);
    }

    [Fact]
    public void PatternTextParses_IsUsed()
    {
        LayerSpec layer = Dense("Hidden", 64) with { PatternText = "2:3" };
        Assert.Contains("SPD104", ModelRules.Validate(Model(Input(64), layer, Dense("Output", 10))).Ids());
    }

    [Fact]
    public void BlockNotDividing_ReportsSPD103()
    {
        var block = new SparsityPatternSpec(PatternKind.Block, 16, 16);
        Violation v = ModelRules.Validate(Model(Input(784), Dense("Hidden", 100, block, 0.9), Dense("Output", 10))).Single("SPD103");
        Assert.Contains("does not divide layer 'Hidden' (100 outputs x 784 inputs)", v.Message);
        Assert.Contains("e.g. block 20x16", v.Message);
    }

    [Theory]
    [InlineData(1000, 16, 20)] // divisors 10 and 20: 20 is nearer
    [InlineData(256, 24, 16)]  // 16 and 32 are equally near: the smaller
    [InlineData(784, 16, 16)]
    [InlineData(97, 10, 1)]    // a prime: 1 is nearer than 97
    public void NearestDivisor_IsTheClosestDivisor(int n, int wanted, int expected) =>
        Assert.Equal(expected, ModelRules.NearestDivisor(n, wanted));

    [Fact]
    public void BlockNotDividing_WrittenInText_TargetsTheSizeAndSuggestsItsReplacement()
    {
        var block = new SparsityPatternSpec(PatternKind.Block, 16, 16);
        var hidden = Dense("Hidden", 100, block, 0.9) with { PatternText = "block 16x16" };
        Violation v = ModelRules.Validate(Model(Input(784), hidden, Dense("Output", 10))).Single("SPD103");
        Assert.Equal((7, 5), (v.Target.Column, v.Target.Length));
        Assert.Equal("20x16", v.Replacement);
    }

    [Fact]
    public void BlockDividing_IsValid()
    {
        var block = new SparsityPatternSpec(PatternKind.Block, 16, 16);
        Assert.Empty(ModelRules.Validate(Model(Input(784), Dense("Hidden", 128, block, 0.9), Dense("Output", 10))));
    }

    [Fact]
    public void BlockLargerThanLayer_ReportsSPD108()
    {
        var block = new SparsityPatternSpec(PatternKind.Block, 32, 32);
        var violations = ModelRules.Validate(Model(Input(784), Dense("Hidden", 16, block, 0.5), Dense("Output", 10)));
        Assert.Contains("larger than layer 'Hidden' (16 outputs x 784 inputs)", violations.Single("SPD108").Message);
        Assert.DoesNotContain("SPD103", violations.Ids());
    }

    [Theory]
    [InlineData(0, 4, "needs 1 <= N < M")]
    [InlineData(4, 4, "needs 1 <= N < M")]
    [InlineData(2, 5, "does not divide the 784 inputs")]
    public void InvalidNOfM_ReportsSPD104(int n, int m, string message)
    {
        var pattern = new SparsityPatternSpec(PatternKind.NOfM, N: n, M: m);
        Assert.Contains(message, ModelRules.Validate(Model(Input(784), Dense("Hidden", 100, pattern), Dense("Output", 10))).Single("SPD104").Message);
    }

    [Fact]
    public void NOfMWithMatchingSparsity_IsValid()
    {
        var pattern = new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4);
        Assert.Empty(ModelRules.Validate(Model(Input(784), Dense("Hidden", 100, pattern, 0.5), Dense("Output", 10))));
    }

    [Fact]
    public void NOfMWithOtherSparsity_ReportsSPD105()
    {
        var pattern = new SparsityPatternSpec(PatternKind.NOfM, N: 2, M: 4);
        Violation v = ModelRules.Validate(Model(Input(784), Dense("Hidden", 100, pattern, 0.9), Dense("Output", 10))).Single("SPD105");
        Assert.Contains("contradicts pattern 2:4, which fixes sparsity 0.5", v.Message);
        Assert.Equal(1, v.Target.ArgumentIndex);
    }

    [Fact]
    public void TargetWithNoFreeLayer_ReportsSPD106()
    {
        ModelSpec model = Model(0.9, Distribution.Erk, Input(4), Dense("Hidden", 8, Unstructured, 0.5), Dense("Output", 10, keepDense: true));
        Violation v = ModelRules.Validate(model).Single("SPD106");
        Assert.Contains("has no layer to apply to", v.Message);
        Assert.Equal("SparseModel", v.Target.Attribute);
    }

    [Fact]
    public void SparseOnInput_ReportsSPD107()
    {
        LayerSpec input = Input(784) with { Pattern = Unstructured, Sparsity = 0.5 };
        Violation v = ModelRules.Validate(Model(input, Dense("Output", 10))).Single("SPD107");
        Assert.Equal("Pixels", v.Target.MemberName);
        Assert.Contains("no weights", v.Message);
    }

    [Fact]
    public void RowsPattern_IsValid() =>
        Assert.Empty(ModelRules.Validate(Model(Input(8), Dense("Hidden", 8, new SparsityPatternSpec(PatternKind.Rows), 0.5), Dense("Output", 10))));
}
