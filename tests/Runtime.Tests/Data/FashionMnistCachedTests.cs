using System.Diagnostics;
using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

/// <summary>Runs only where the real files are already in the cache (never downloads in a test).</summary>
public sealed class CachedFashionMnistFactAttribute : FactAttribute
{
    public CachedFashionMnistFactAttribute()
    {
        string directory = new DataCatalog().CacheDirectory(FashionMnist.Name);
        if (!Directory.Exists(directory) || FashionMnist.FirstMissingFile(directory) is not null)
        {
            Skip = $"Fashion-MNIST is not in {directory}; run `sparsedsl data fetch fashion-mnist` to enable this test.";
        }
    }
}

public sealed class FashionMnistCachedTests
{
    [CachedFashionMnistFact]
    public void CachedFiles_LoadWithTheKnownShape()
    {
        var clock = Stopwatch.StartNew();
        Dataset data = new DataCatalog(fetcher: new NoFetch()).Load(FashionMnist.Name);
        clock.Stop();

        Assert.Equal((784, 10, 60000, 10000), (data.Features, data.Classes, data.Train.Count, data.Test.Count));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, data.Train.Labels.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, data.Test.Labels.Count(l => l == c)));
        Assert.Equal(0f, data.Train.Inputs.Min());
        Assert.Equal(1f, data.Train.Inputs.Max());
        Assert.Equal(9, data.Train.Labels[0]); // the first train image is an ankle boot
    }

    private sealed class NoFetch : IPackageFetcher
    {
        public string Describe(string package) => "no fetch in tests";

        public void FetchAndExtract(string package, string destination) =>
            throw new PackageFetchException("tests do not download");
    }
}
