using SparseDsl.Data;
using SparseDsl.Experiments;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

public class LanguageModelTests
{
    [Fact]
    public void GeneratedModel_ReportsItsDeclaredLayers_AndSparsifiesOnlyItsTarget()
    {
        var model = new CheckLm(new NetworkOptions(0.5, Distribution.Uniform, 3));
        Assert.Equal(["Tokens", "Blocks", "Final", "Head"], model.Layers.Select(l => l.Name));
        Assert.Same(model.Layers[1], model.Blocks);
        Assert.Equal(14, model.Matrices.Count); // 2 blocks × Q, K, V, O, Up, Gate, Down
        Assert.All(model.Matrices.Where(m => m.Name.EndsWith(".Q") || m.Name.EndsWith(".O")), m => Assert.Equal(1.0, m.Density));
        Assert.All(model.Matrices.Where(m => m.Name.EndsWith(".Up") || m.Name.EndsWith(".Down")), m => Assert.Equal(0.5, m.Density, 2));
        // Attention 4·32·32 dense + MLP 3·32·64 at half density, per block.
        Assert.Equal(2 * (4 * 32 * 32 + 3 * 32 * 64 / 2), model.Blocks.ActiveWeights);
        Assert.Equal(256 * 32, model.EmbeddingParameters); // rotary: no position table; the head is tied
        Assert.Equal(0, model.Head.DenseWeights);
    }

    [Fact]
    public void GeneratedStudy_TrainsOnAText_AndStoresTheRun()
    {
        string folder = Directory.CreateTempSubdirectory("sparsedsl-lm-").FullName;
        try
        {
            string text = Path.Combine(folder, "tiny.txt");
            File.WriteAllText(text, string.Concat(Enumerable.Repeat("sparse networks learn short texts by heart, line after line. ", 40)));
            var study = new StudyDefinition(
                "LmStudy", CheckLm.Spec, "text:" + text, Steps: 120, Batch: 8, EvalEvery: 60, "adamw lr=1e-2 wd=0 warmup=5% cosine", "set every=40 drop=0.3",
                [new GridAxisText("sparsity", "0.5"), new GridAxisText("epochs", "15")], options => new CheckLm(options));
            using IResultStore store = ResultStores.Open(Path.Combine(folder, "results.db"));
            var point = StudyPlan.Resolve(study).Single();
            var summary = new StudyRunner(study, store, TextCatalog.Resolve(study.Data)).Run(point);

            RunRecord run = store.GetRun(point.Id)!;
            Assert.Equal(RunStatus.Finished, run.Status);
            Assert.True(summary.Final.TestLoss < 1.0, $"validation loss {summary.Final.TestLoss}");
            Assert.Equal(summary.Final.Step, store.GetEvals(point.Id)[^1].Step);
            // SET moved the MLP's masks and kept their counts: the stored active count is the built one.
            Assert.Equal(new CheckLm(new NetworkOptions(0.5, Distribution.Uniform, 1)).Matrices.Sum(m => m.ActiveWeights), run.ActiveParameters);
            Assert.NotEmpty(store.GetMetrics(point.Id, TopologyMetrics.Prefix));

            // U, D and the embedding weights are stored; fit reads U from there (the text's size is not known to it).
            var corpus = TextCatalog.Resolve(study.Data);
            long unique = (long)corpus.Train.ChunkCount(16) * 16;
            var figures = store.GetMetrics(point.Id, RunFigures.Prefix).ToDictionary(m => m.Name, m => m.Value);
            Assert.Equal(unique, figures[RunFigures.UniqueTokens]);
            Assert.Equal(summary.SamplesSeen, figures[RunFigures.Tokens]);
            Assert.Equal((double)summary.Final.Step * 8 * 16, figures[RunFigures.Tokens]);
            Assert.Equal(256 * 32, figures[RunFigures.EmbeddingParameters]);
            var observation = Assert.Single(StoreObservations.Read(store, "LmStudy", double.NaN).Runs);
            Assert.Equal(unique, observation.UniqueTokens);
            Assert.Equal(summary.SamplesSeen, observation.Tokens);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void GridWidthsAndBlocks_BuildTheModelAtEachSize()
    {
        var points = StudyPlan.Resolve(CheckLmSizes.Definition);
        Assert.Equal(4, points.Count);
        foreach (var point in points)
        {
            var config = point.Config;
            var model = (CheckLm)CheckLmSizes.Definition.CreateNetwork(new NetworkOptions(0.5, Distribution.Uniform, 1) { Width = config.Width, Blocks = config.Blocks });
            Assert.Equal(config.Width, model.Width);
            Assert.Equal(7 * config.Blocks, model.Matrices.Count);
            Assert.All(model.Matrices.Where(m => m.Name.EndsWith(".Q")), q => Assert.Equal(config.Width!.Value, q.Inputs));
            Assert.Contains($"\"width\":{config.Width}", config.ToCanonicalJson());
        }

        var unknown = Assert.Throws<ArgumentOutOfRangeException>(() => new CheckLm(new NetworkOptions(0.5, Distribution.Uniform, 1) { Width = 40 }));
        Assert.Contains("CheckLm was built for width 32, 48; add the width to a 'width' grid axis", unknown.Message);
    }
}
