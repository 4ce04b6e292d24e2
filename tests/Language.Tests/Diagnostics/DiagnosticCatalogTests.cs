namespace SparseDsl.Language.Tests.Diagnostics;

using System.Linq;
using System.Reflection;
using SparseDsl.Language;

public class DiagnosticCatalogTests
{
    private static readonly string[] ExpectedIds =
    {
        "SPD001", "SPD002", "SPD003", "SPD004", "SPD005", "SPD006", "SPD007", "SPD008", "SPD009", "SPD010", "SPD011",
        "SPD101", "SPD102", "SPD103", "SPD104", "SPD105", "SPD106", "SPD107", "SPD108", "SPD109",
        "SPD201", "SPD202", "SPD203", "SPD204", "SPD205", "SPD207", "SPD208", "SPD209",
        "SPD301", "SPD302", "SPD303", "SPD304", "SPD305", "SPD306", "SPD307", "SPD308",
        "SPD401", "SPD901",
    };

    [Fact]
    public void Catalog_HasEveryIdOnceInOrder() => Assert.Equal(ExpectedIds, DiagnosticCatalog.All.Select(r => r.Id).ToArray());

    [Fact]
    public void EveryStaticField_IsListedInAll()
    {
        var fields = typeof(DiagnosticCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(RuleDescriptor))
            .Select(f => (RuleDescriptor)f.GetValue(null)!)
            .ToArray();
        Assert.Equal(DiagnosticCatalog.All.OrderBy(r => r.Id), fields.OrderBy(r => r.Id));
    }

    [Theory]
    [InlineData("SPD304")]
    [InlineData("SPD401")]
    public void Warnings_AreWarnings(string id) => Assert.Equal(RuleSeverity.Warning, DiagnosticCatalog.Find(id)!.Severity);

    [Fact]
    public void OnlyTwoWarnings() => Assert.Equal(2, DiagnosticCatalog.All.Count(r => r.Severity == RuleSeverity.Warning));

    [Fact]
    public void Categories_FollowHundreds()
    {
        foreach (RuleDescriptor rule in DiagnosticCatalog.All)
        {
            string expected = rule.Id[3] switch
            {
                '0' => DiagnosticCatalog.ModelCategory,
                '1' => DiagnosticCatalog.SparsityCategory,
                '2' => DiagnosticCatalog.TrainingCategory,
                '3' => DiagnosticCatalog.ExperimentCategory,
                '4' => DiagnosticCatalog.BackendCategory,
                _ => DiagnosticCatalog.InternalCategory,
            };
            Assert.Equal(expected, rule.Category);
            Assert.Equal("docs/diagnostics/" + rule.Id + ".md", rule.HelpLink);
            Assert.False(string.IsNullOrWhiteSpace(rule.Title));
        }
    }

    [Fact]
    public void Find_UnknownId_IsNull() => Assert.Null(DiagnosticCatalog.Find("SPD999"));

    [Fact]
    public void ViolationTarget_DescribesLocation() =>
        Assert.Equal(
            "Study [Grid(\"lr\")] argument 1 column 3",
            new ViolationTarget("Study", Attribute: "Grid", ArgumentIndex: 1, GridAxis: "lr").At(3, 2).ToString());
}
