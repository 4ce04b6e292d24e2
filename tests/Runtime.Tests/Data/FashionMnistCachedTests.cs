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
        Console.WriteLine($"Fashion-MNIST loaded in {clock.Elapsed.TotalSeconds:F2} s");

        Assert.Equal((784, 10, 60000, 10000), (data.Features, data.Classes, data.Train.Count, data.Test.Count));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, data.Train.Labels.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, data.Test.Labels.Count(l => l == c)));
        (float min, float max) = (float.MaxValue, float.MinValue);
        foreach (float v in data.Train.Inputs)
        {
            (min, max) = (Math.Min(min, v), Math.Max(max, v));
        }

        Assert.Equal((0f, 1f), (min, max));
        Assert.Equal(9, data.Train.Labels[0]); // the first train image is an ankle boot
    }

    private sealed class NoFetch : IPackageFetcher
    {
        public string Describe(string package) => "no fetch in tests";

        public void FetchAndExtract(string package, string destination) =>
            throw new PackageFetchException("tests do not download");
    }
}
