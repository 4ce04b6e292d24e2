using SparseDsl.Data;
using SparseDsl.Language;
using SparseDsl.Training;
using static SparseDsl.Runtime.Tests.Training.TinyLanguageModels;

namespace SparseDsl.Runtime.Tests.Training;

public class TokenNetworkTests
{
    /// <summary>
    /// The whole model's gradient (embedding, positions, every block's norms and matrices, the final norm, the head)
    /// against central finite differences of its own loss, in float64 arithmetic over float32 parameters: each
    /// parameter checked at a few random positions on a fresh random batch.
    /// </summary>
    [Theory]
    [InlineData("gelu", "layernorm", "learned", true, 0.0, 11)]
    [InlineData("swiglu", "rmsnorm", "rotary", true, 0.0, 12)]
    [InlineData("gelu", "rmsnorm", "learned", false, 0.5, 13)]
    public void Gradients_MatchFiniteDifferences(string mlp, string norm, string positions, bool tied, double sparsity, int seed)
    {
        var spec = Spec(vocab: 16, width: 8, context: 4, heads: 2, ratio: 2, count: 2, mlp, norm, positions, tied, sparsity);
        var network = new TokenNetwork<Width8, Up8To16, Down16To8>(spec, new NetworkOptions(sparsity, Distribution.Uniform, seed));
        var random = new Random(seed);
        const int sequences = 3;
        int[] ids = Enumerable.Range(0, sequences * 4).Select(_ => random.Next(16)).ToArray();
        int[] targets = Enumerable.Range(0, sequences * 4).Select(_ => random.Next(16)).ToArray();
        network.ForwardBackward(ids, targets, sequences);
        var analytic = network.Parameters.ToDictionary(p => p, p => (float[])p.Grad.Clone());

        int checkedValues = 0;
        foreach (Parameter parameter in network.Parameters)
        {
            for (int probe = 0; probe < 4; probe++)
            {
                int i = random.Next(parameter.Length);
                float original = parameter.Values[i];
                // The embeddings start at N(0, 0.02²) and pass through a norm: a step of 1e-2 would be half their size.
                float h = parameter.Name.StartsWith("Tokens.", StringComparison.Ordinal) || parameter.Name == "Head.weight" ? 1e-3f : 1e-2f;
                parameter.Values[i] = original + h;
                double plus = network.Evaluate(ids, targets, sequences).Loss;
                parameter.Values[i] = original - h;
                double minus = network.Evaluate(ids, targets, sequences).Loss;
                parameter.Values[i] = original;
                double numeric = (plus - minus) / (2.0 * h);
                double got = analytic[parameter][i];
                Assert.True(
                    Math.Abs(got - numeric) <= 3e-4 + 0.02 * Math.Abs(numeric),
                    $"{parameter.Name}[{i}]: backward {got:G6}, finite difference {numeric:G6}");
                checkedValues++;
            }
        }

        Assert.True(checkedValues > 40);
        Assert.Contains(network.Parameters, p => p.Name == "Blocks.1.Down.weight");
        Assert.Equal(tied, network.Parameters.All(p => p.Name != "Head.weight"));
        Assert.Equal(positions == "learned", network.Parameters.Any(p => p.Name == "Tokens.positions"));
    }

    [Fact]
    public void SparseBlocks_KeepTheirDensity_EmbeddingAndHeadDense()
    {
        var spec = Spec(vocab: 16, width: 8, context: 4, heads: 2, ratio: 2, count: 2, sparsity: 0.75);
        var network = new TokenNetwork<Width8, Up8To16, Down16To8>(spec, new NetworkOptions(0.75, Distribution.Uniform, 3));
        var matrices = network.Matrices.ToList();
        Assert.Equal(12, matrices.Count); // 2 blocks × Q, K, V, O, Up, Down
        Assert.All(matrices, m => Assert.Equal(0.25, m.Density, 2));
        Assert.Equal(16 * 8 + 4 * 8, network.EmbeddingParameters); // E [16, 8] and P [4, 8], counted apart from N
    }

    [Fact]
    public void AGridPattern_ReachesEveryBlockMatrix_AndTheGradientsStayRight()
    {
        var spec = Spec(vocab: 16, width: 8, context: 4, heads: 2, ratio: 2, count: 2, sparsity: 0.5);
        var block = Expressions.ParsePattern("block 4x4").Value!;
        var network = new TokenNetwork<Width8, Up8To16, Down16To8>(spec, new NetworkOptions(0.5, Distribution.Uniform, 9, Pattern: block));

        Assert.All(network.Matrices, m =>
        {
            Assert.Equal(block, m.Plan.Pattern);
            Assert.Equal(0.5, m.Density, 2);
            Assert.Contains("Block", m.Weight.Format.GetType().Name, StringComparison.Ordinal);
        });
        int[] ids = [1, 5, 9, 13, 2, 6, 10, 14];
        double loss = network.ForwardBackward(ids, [5, 9, 13, 1, 6, 10, 14, 2], 2);
        Assert.True(double.IsFinite(loss) && loss > 0);
    }

    /// <summary>A 2-block model learns a short text by heart: the loss on its own text falls to near zero.</summary>
    [Fact]
    public void TwoBlocks_OverfitATinyText()
    {
        const string text = "a sparse model, trained for many epochs, learns this line by heart. ";
        var corpus = TokenCorpus.Create("text:tiny", [new TextDocument("tiny", string.Concat(Enumerable.Repeat(text, 12)))], validationFraction: 0.25);
        var spec = Spec(vocab: 256, width: 32, context: 16, heads: 4, ratio: 2, count: 2);
        var network = new TokenNetwork<Width32, Up32To64, Down64To32>(spec, new NetworkOptions(0, Distribution.Uniform, 7));
        var optimizer = Expressions.ParseOptimizer("adamw lr=1e-2 wd=0 warmup=5% cosine").Value!;
        var settings = new TrainingSettings(Steps: 600, Batch: 8, EvalEvery: 0, optimizer, Loss.NextToken, Seed: 7);
        var losses = new List<double>();
        var summary = new TokenTrainer(network, corpus, settings) { StepCompleted = (_, loss) => losses.Add(loss) }.Run();

        Assert.True(losses[0] > 4.5, $"first loss {losses[0]} (ln 256 = 5.55)");
        Assert.True(losses.TakeLast(10).Average() < 0.1, $"last losses {string.Join(", ", losses.TakeLast(10).Select(l => l.ToString("0.000")))}");
        // The validation part is the same line: the model predicts it as well.
        Assert.True(summary.Final.TestLoss < 0.3, $"validation loss {summary.Final.TestLoss}");
        Assert.True(summary.Final.TestAccuracy > 0.9, $"validation next-token accuracy {summary.Final.TestAccuracy}");
    }
}
