using SparseDsl.Experiments;
using SparseDsl.Language;

namespace SparseDsl.Runtime.Tests.Experiments;

public sealed class RunConfigTests
{
    private static readonly RunConfig SetStudy =
        new("SetStudy", "Examples.Set.SetMlp", "fashion-mnist", 1000, 128, 100, "adamw lr=1e-3", "static", 0.9, Distribution.Erk, 1, null);

    private static readonly RunConfig SmetStudy =
        new("Study", "Tests.Mlp", "synthetic", 2000, 64, 0, "sgd lr=0.1 momentum=0.9", "smet every=100 drop=0.2 cosine floor=0.005", 0.5, Distribution.Uniform, 3, 0.002);

    /// <summary>
    /// The ids main computed for these configs before RunConfig had a pattern (commit 0ec9da4, printed by a scratch
    /// program over RunConfig.Id), the format-1 record: a store written then must find its runs again, now through
    /// <see cref="RunConfig.LegacyId"/>.
    /// </summary>
    [Theory]
    [InlineData(0, "cc8ab7751899")]
    [InlineData(1, "03c460d29722")]
    public void LegacyId_IsTheFormat1Id(int which, string id)
    {
        RunConfig config = which == 0 ? SetStudy : SmetStudy;
        Assert.Equal(id, config.LegacyId);
        Assert.NotEqual(id, config.Id);
    }

    [Fact]
    public void CanonicalRecord_HasItsFormat_ExpressionsPrintedWithEveryOption_NoUnsetKeys()
    {
        Assert.Equal(
            """{"format":2,"study":"SetStudy","model":"Examples.Set.SetMlp","data":"fashion-mnist","steps":1000,"batch":128,"eval_every":100,"optimizer":"adamw lr=0.001 betas=0.9,0.999 eps=1E-08 wd=0.01 warmup=0 constant min=0","schedule":"static","sparsity":0.9,"distribution":"erk","seed":1}""",
            SetStudy.ToCanonicalJson());
    }

    [Fact]
    public void TheSameRunWrittenTwoWays_HasOneId()
    {
        Assert.Equal(SetStudy.Id, (SetStudy with { Optimizer = "adamw  lr=0.001" }).Id);
        Assert.Equal(SetStudy.Id, (SetStudy with { Optimizer = "adamw wd=1e-2 lr=1E-3 constant" }).Id);
        Assert.Equal(SmetStudy.Id, (SmetStudy with { Schedule = "smet floor=0.005 cosine drop=0.2 every=100" }).Id);
        Assert.Equal(SetStudy.Id, (SetStudy with { Sampling = null }).Id);
        Assert.Equal((SetStudy with { Pattern = "block 16" }).Id, (SetStudy with { Pattern = "block 16x16" }).Id);
        Assert.Equal((SetStudy with { Sampling = "rs2  r=0.10" }).Id, (SetStudy with { Sampling = "rs2 r=0.1" }).Id);
        // What changes the run changes the id.
        Assert.NotEqual(SetStudy.Id, (SetStudy with { Optimizer = "adamw lr=0.002" }).Id);
        Assert.NotEqual(SetStudy.Id, (SetStudy with { Optimizer = "adamw lr=1e-3 wd=0" }).Id);
        Assert.NotEqual(SmetStudy.Id, (SmetStudy with { Schedule = "smet every=100 drop=0.3 cosine floor=0.005" }).Id);
    }

    [Fact]
    public void Pattern_IsAfterTheSeedAndChangesTheId()
    {
        RunConfig blocked = SetStudy with { Pattern = "block 16x16" };

        Assert.EndsWith(""","seed":1,"pattern":"block 16x16"}""", blocked.ToCanonicalJson());
        Assert.NotEqual(SetStudy.Id, blocked.Id);
        Assert.NotEqual(blocked.Id, (SetStudy with { Pattern = "2:4" }).Id);
    }
}
