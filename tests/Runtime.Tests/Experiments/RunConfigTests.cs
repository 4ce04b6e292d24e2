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
    /// program over RunConfig.Id): a store written then must find its runs again.
    /// </summary>
    [Theory]
    [InlineData(0, "cc8ab7751899")]
    [InlineData(1, "03c460d29722")]
    public void ConfigWithoutAPattern_KeepsTheIdFromBeforePatternsExisted(int which, string id) =>
        Assert.Equal(id, (which == 0 ? SetStudy : SmetStudy).Id);

    [Fact]
    public void ConfigWithoutAPattern_WritesNoPatternKey()
    {
        Assert.Equal(
            """{"study":"SetStudy","model":"Examples.Set.SetMlp","data":"fashion-mnist","steps":1000,"batch":128,"eval_every":100,"optimizer":"adamw lr=1e-3","schedule":"static","sparsity":0.9,"distribution":"erk","seed":1,"lr":null}""",
            SetStudy.ToCanonicalJson());
    }

    [Fact]
    public void Pattern_IsTheLastKeyAndChangesTheId()
    {
        RunConfig blocked = SetStudy with { Pattern = "block 16x16" };

        Assert.EndsWith(""","lr":null,"pattern":"block 16x16"}""", blocked.ToCanonicalJson());
        Assert.NotEqual(SetStudy.Id, blocked.Id);
        Assert.NotEqual(blocked.Id, (SetStudy with { Pattern = "2:4" }).Id);
    }
}
