namespace SparseDsl.Language.Tests.Validation;

using System.Collections.Generic;
using System.Linq;
using SparseDsl.Language;
using static SparseDsl.Language.Tests.Validation.Specs;

/// <summary>The data-regime grid axes 'sampling', 'unique_tokens' and 'epochs' (issue 10): parsed like every axis, SPD307 at a bad value.</summary>
public class GridDataRegimeAxesTests
{
    private static IReadOnlyList<Violation> Errors(string axis, string values) =>
        ExperimentRules.Validate(Experiment(grid: new[] { (axis, values) }), SetMlp()).Where(v => v.IsError).ToList();

    [Fact]
    public void DataRegimeAxes_AreKnown() =>
        Assert.Contains(
            "drop, sampling, unique_tokens, epochs",
            ExperimentRules.Validate(Experiment(grid: new[] { ("samplin", "full") }), SetMlp()).Single("SPD301").Message);

    [Theory]
    [InlineData("sampling", "full, 'rs2 r=0.1', 'rs2 r=0.3'")]
    [InlineData("sampling", "full, rs2 r=0.1, rs2 r=1 replace")]
    [InlineData("unique_tokens", "6000, 30k, 60000")]
    [InlineData("epochs", "1, 4, 16")]
    public void GoodValues_ReportNothing(string axis, string values) => Assert.Empty(Errors(axis, values));

    [Fact]
    public void SamplingValues_ParseToOneValueEach()
    {
        var parsed = Expressions.ParseGridValues("full, 'rs2 r=0.1', rs2 r=0.3 replace");

        Assert.True(parsed.Success);
        Assert.Equal(new[] { "full", "rs2 r=0.1", "rs2 r=0.3 replace" }, parsed.Value!.Select(v => v.Text).ToArray());
    }

    [Theory]
    [InlineData("sampling", "full, 'rs2 r=1.5'", "\"rs2 r=1.5\"", "must be full, rs2 r=R or rs2 r=R replace")]
    [InlineData("sampling", "full, rs3", "\"rs3\"", "must be full, rs2 r=R or rs2 r=R replace")]
    [InlineData("sampling", "full, 'rs2 r=0.1 twice'", "\"rs2 r=0.1 twice\"", "must be full, rs2 r=R or rs2 r=R replace")]
    [InlineData("sampling", "full, 0.1", "0.1", "must be full, rs2 r=R or rs2 r=R replace")]
    [InlineData("unique_tokens", "6000, 0", "0", "must be a whole number above 0 (U")]
    [InlineData("unique_tokens", "6000, 10.5", "10.5", "must be a whole number above 0 (U")]
    [InlineData("unique_tokens", "6000, full", "\"full\"", "must be a number")]
    [InlineData("epochs", "1, -2", "-2", "must be a whole number of passes over U above 0")]
    public void BadValue_ReportsSPD307WithTheValue(string axis, string values, string shown, string message)
    {
        Violation v = Assert.Single(Errors(axis, values));

        Assert.Equal("SPD307", v.Rule.Id);
        Assert.Contains($"Value {shown} of grid axis '{axis}' {message}", v.Message);
    }
}
