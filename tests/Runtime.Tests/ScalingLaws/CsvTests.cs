using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>CSV input: column names, aliases, and one clear message naming the line and column of a bad cell.</summary>
public sealed class CsvTests
{
    private const string Header = "name,params,tokens,unique_tokens,loss";

    [Fact]
    public void DatablationsFile_ReadsValLossAsLossAndKeepsNames()
    {
        IReadOnlyList<ScalingObservation> runs = ScalingCsv.Read(TestFiles.Datablations);
        Assert.Equal(182, runs.Count);
        Assert.Equal("2b832b4b", runs[0].Id);
        Assert.Equal(2.81e9, runs[0].Params);
        Assert.Equal(2.722962, runs[0].Loss);
        Assert.Equal(8.0, runs[0].Epochs);
        Assert.Equal(2.722962, runs[0].Columns!["val_loss"]);
    }

    [Fact]
    public void DensityColumn_GivesActiveParams()
    {
        IReadOnlyList<ScalingObservation> runs = Parse("params,density,tokens,unique_tokens,loss\n1e9,0.25,2e9,1e9,3.1\n1e9,,2e9,1e9,3.0\n");
        Assert.Equal(2.5e8, runs[0].ResolvedActiveParams);
        Assert.Equal(1.0, runs[1].ResolvedDensity);
    }

    [Fact]
    public void ActiveParamsColumn_GivesDensity()
    {
        IReadOnlyList<ScalingObservation> runs = Parse("params,active_params,tokens,unique_tokens,loss\n1e9,1.25e8,2e9,1e9,3.1\n");
        Assert.Equal(0.125, runs[0].ResolvedDensity);
    }

    [Fact]
    public void MissingColumn_NamesColumnAndOption()
    {
        var ex = Assert.Throws<ScalingLawException>(() => Parse("params,tokens,loss\n1e9,2e9,3\n"));
        Assert.Equal("runs.csv: no column 'unique_tokens' (the header has params, tokens, loss); add it or name the column with --unique-col NAME.", ex.Message);
    }

    [Fact]
    public void RenamedColumn_IsFoundByGivenName()
    {
        IReadOnlyList<ScalingObservation> runs = Parse("N,D,U,L\n1e9,2e9,1e9,3\n", new CsvColumns { Params = "N", Tokens = "D", UniqueTokens = "U", Loss = "L" });
        Assert.Equal(3.0, runs[0].Loss);
    }

    [Theory]
    [InlineData("a,1e9,2e9,1e9,-3", "runs.csv line 3, column 'loss': -3 is not positive")]
    [InlineData("a,0,2e9,1e9,3", "runs.csv line 3, column 'params': 0 is not positive")]
    [InlineData("a,1e9,NaN,1e9,3", "runs.csv line 3, column 'tokens': NaN is not a finite number")]
    [InlineData("a,1e9,2e9,lots,3", "runs.csv line 3, column 'unique_tokens': 'lots' is not a number")]
    [InlineData("a,1e9,2e9,,3", "runs.csv line 3, column 'unique_tokens': the cell is empty")]
    [InlineData("a,1e9,2e9,1e9", "runs.csv line 3: 4 cells for 5 columns")]
    public void BadCell_NamesLineAndColumn(string badRow, string expectedStart)
    {
        var ex = Assert.Throws<ScalingLawException>(() => Parse($"{Header}\nok,1e9,2e9,1e9,3\n{badRow}\n"));
        Assert.StartsWith(expectedStart, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void DensityAboveOne_IsRejected()
    {
        var ex = Assert.Throws<ScalingLawException>(() => Parse("params,density,tokens,unique_tokens,loss\n1e9,1.5,2e9,1e9,3\n"));
        Assert.StartsWith("runs.csv line 2, column 'density': 1.5 is above 1", ex.Message);
    }

    private static IReadOnlyList<ScalingObservation> Parse(string text, CsvColumns? columns = null) =>
        ScalingCsv.Parse(new StringReader(text), "runs.csv", columns);
}
