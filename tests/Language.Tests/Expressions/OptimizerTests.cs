namespace SparseDsl.Language.Tests.Expressions;

using SparseDsl.Language;
using E = SparseDsl.Language.Expressions;

public class OptimizerTests
{
    private static OptimizerSpec Ok(string text)
    {
        ParseResult<OptimizerSpec> result = E.ParseOptimizer(text);
        Assert.True(result.Success, result.Error?.ToString());
        return result.Value!;
    }

    private static ParseError Bad(string text)
    {
        ParseResult<OptimizerSpec> result = E.ParseOptimizer(text);
        Assert.False(result.Success);
        return result.Error!;
    }

    [Fact]
    public void BareKind_UsesDefaults()
    {
        Assert.Equal(OptimizerSpec.Default(OptimizerKind.Sgd), Ok("sgd"));
        Assert.Equal(OptimizerSpec.Default(OptimizerKind.AdamW), Ok("adamw"));
    }

    [Fact]
    public void SgdAllOptions_Parse()
    {
        OptimizerSpec spec = Ok("sgd lr=0.1 momentum=0.9 nesterov wd=5e-4");
        Assert.Equal(new OptimizerSpec(OptimizerKind.Sgd, 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4), spec);
    }

    [Fact]
    public void AdamWAllOptions_Parse()
    {
        OptimizerSpec spec = Ok("adamw lr=1e-3 betas=0.9,0.95 eps=1e-8 wd=1e-4 warmup=5% cosine min=0.1");
        Assert.Equal(
            new OptimizerSpec(OptimizerKind.AdamW, 1e-3, Beta1: 0.9, Beta2: 0.95, Epsilon: 1e-8, WeightDecay: 1e-4,
                Warmup: StepAmount.Fraction(0.05), Decay: LrDecay.Cosine, MinLrFraction: 0.1),
            spec);
    }

    [Fact]
    public void OptionsInAnyOrder_GiveSameSpec() =>
        Assert.Equal(Ok("adamw lr=2e-3 cosine wd=0 warmup=200"), Ok("adamw warmup=200 wd=0 cosine lr=2e-3"));

    [Theory]
    [InlineData("warmup=200", 200, false)]
    [InlineData("warmup=5%", 0.05, true)]
    [InlineData("warmup=0", 0, false)]
    public void Warmup_IsStepsOrFraction(string option, double value, bool fraction) =>
        Assert.Equal(new StepAmount(value, fraction), Ok("adamw " + option).Warmup);

    [Theory]
    [InlineData("linear", LrDecay.Linear)]
    [InlineData("cosine", LrDecay.Cosine)]
    [InlineData("constant", LrDecay.Constant)]
    public void DecayFlags_Parse(string flag, LrDecay decay) => Assert.Equal(decay, Ok("sgd " + flag).Decay);

    [Fact]
    public void SmetKnobs_Parse()
    {
        OptimizerSpec spec = Ok("adamw density-lr=0.5 moment-warmup=100");
        Assert.Equal(0.5, spec.DensityLrExponent);
        Assert.Equal(100, spec.MomentWarmupSteps);
        Assert.Equal(1e-3, spec.LearningRate);
        Assert.Equal(0.01, spec.WeightDecay);
    }

    [Fact]
    public void NumberForms_ParseInvariant()
    {
        Assert.Equal(0.5, Ok("sgd lr=.5").LearningRate);
        Assert.Equal(1e-3, Ok("sgd lr=1E-3").LearningRate);
        Assert.Equal(-0.1, Ok("sgd wd=-0.1").WeightDecay);
    }

    [Fact]
    public void MisspelledKey_ReportsKeyAndKnownKeys()
    {
        ParseError error = Bad("adamw lr=1e-3 momentun=0.9");
        Assert.Equal(15, error.Column);
        Assert.Equal(8, error.Length);
        Assert.Contains("unknown option 'momentun' for adamw", error.Message);
        Assert.Contains("lr=, betas=, eps=, wd=, warmup=, constant, cosine, linear, min=, density-lr=, moment-warmup=", error.Message);
    }

    [Fact]
    public void SgdOptionOnAdamW_IsUnknown()
    {
        ParseError error = Bad("adamw nesterov");
        Assert.Equal(7, error.Column);
        Assert.Contains("unknown option 'nesterov'", error.Message);
    }

    [Fact]
    public void DuplicateKey_IsError()
    {
        ParseError error = Bad("sgd lr=0.1 lr=0.2");
        Assert.Equal(12, error.Column);
        Assert.Equal(2, error.Length);
        Assert.Contains("duplicate option 'lr'", error.Message);
    }

    [Fact]
    public void TwoDecayFlags_Conflict()
    {
        ParseError error = Bad("adamw cosine linear");
        Assert.Equal(14, error.Column);
        Assert.Contains("'linear' conflicts with 'cosine'", error.Message);
    }

    [Theory]
    [InlineData("adam lr=1", 1, 4, "unexpected 'adam'; expected an optimizer: sgd or adamw")]
    [InlineData("sgd lr=", 8, 0, "unexpected end of input; expected a learning rate")]
    [InlineData("sgd lr=x", 8, 1, "unexpected 'x'; expected a learning rate")]
    [InlineData("sgd lr 0.1", 5, 2, "option 'lr' needs a value")]
    [InlineData("sgd nesterov=1", 5, 8, "option 'nesterov' takes no value")]
    [InlineData("adamw betas=0.9", 16, 0, "expected ',' then beta2")]
    [InlineData("adamw betas=0.9;0.99", 16, 1, "unexpected ';'")]
    [InlineData("adamw warmup=2.5", 14, 3, "expected warm-up steps")]
    [InlineData("sgd lr=5%", 8, 2, "without '%'")]
    [InlineData("sgd lr=1m", 9, 1, "unexpected 'm' after the number '1'")]
    [InlineData("sgd moment-warmup=1.5", 19, 3, "expected a whole number of steps")]
    [InlineData("sgd 0.1", 5, 3, "unexpected '0.1'; expected an option of sgd")]
    public void InvalidOptimizer_ReportsColumn(string text, int column, int length, string message)
    {
        ParseError error = Bad(text);
        Assert.Equal(column, error.Column);
        Assert.Equal(length, error.Length);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void CommaDecimalCulture_StillParsesInvariant()
    {
        System.Globalization.CultureInfo before = System.Globalization.CultureInfo.CurrentCulture;
        var odd = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        odd.NumberFormat.NumberDecimalSeparator = ",";
        odd.NumberFormat.NumberGroupSeparator = ".";
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = odd;
            Assert.Equal(0.5, Ok("sgd lr=0.5").LearningRate);
            Assert.Equal(2.5e9, E.ParseGridValues("2.5B").Value[0].Number);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }
}
