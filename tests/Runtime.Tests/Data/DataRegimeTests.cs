using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class DataRegimeTests
{
    private static int[] Epoch(IEpochSampler sampler, int epoch)
    {
        var order = new int[sampler.EpochLength];
        sampler.FillEpoch(epoch, order);
        return order;
    }

    private static TokenStream Stream(int tokens) => new(Enumerable.Range(0, tokens).ToArray(), ["d"]);

    [Fact]
    public void UniqueTokens_MultipleOfContext_Exact()
    {
        TokenStream train = Stream(10_001);
        const int context = 50;
        DataRegime regime = DataRegime.ForTokens(uniqueTokens: 2_000, context);

        IEpochSampler sampler = regime.CreateSampler(train.ChunkCount(context), seed: 1);

        int[] chunks = Epoch(sampler, 0);
        var inputs = new int[chunks.Length * context];
        var targets = new int[chunks.Length * context];
        train.FillBatch(chunks, context, inputs, targets);
        Assert.Equal(40, chunks.Length);
        Assert.Equal(2_000, inputs.Distinct().Count()); // 2,000 distinct token positions (the stream holds its own index)
        Assert.Equal(2_000, regime.Plan(train.ChunkCount(context), batch: 8).UniqueTokens);
        Assert.NotEqual(Enumerable.Range(0, 40), chunks.Order()); // a seeded sample, not the first U tokens
    }

    [Theory]
    [InlineData(2_049L, 64, 2_048L)]
    [InlineData(2_047L, 64, 1_984L)]
    [InlineData(64L, 64, 64L)]
    public void UniqueTokens_NotMultiple_WithinOneChunkBelow(long u, int context, long expected)
    {
        RegimePlan plan = DataRegime.ForTokens(u, context).Plan(exampleCount: 100, batch: 1);

        Assert.Equal(expected, plan.UniqueTokens);
        Assert.InRange(u - plan.UniqueTokens, 0, context - 1);
    }

    [Fact]
    public void UniqueTokens_BelowOneChunkOrAboveTrain_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataRegime.ForTokens(63, 64));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DataRegime.ForTokens(64 * 11, 64).CreateSampler(10, seed: 0));
        Assert.Contains("704 tokens (11 chunks of 64)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_EachEpochPermutesTheSameSubset_DiffersAcrossEpochs()
    {
        IEpochSampler sampler = new DataRegime { UniqueExamples = 300 }.CreateSampler(1_000, seed: 4);
        int[] first = Epoch(sampler, 0);

        for (int epoch = 1; epoch < 4; epoch++)
        {
            int[] order = Epoch(sampler, epoch);
            Assert.Equal(first.Order(), order.Order());
            Assert.NotEqual(first, order);
        }

        Assert.Equal(300, first.Distinct().Count());
    }

    [Fact]
    public void SameSeed_SameOrder_SubsetSharedAcrossRunSeeds()
    {
        var regime = new DataRegime { UniqueExamples = 100, Sampling = Sampling.Rs2(0.3) };

        Assert.Equal(Epoch(regime.CreateSampler(500, seed: 7), 5), Epoch(regime.CreateSampler(500, seed: 7), 5));
        Assert.NotEqual(Epoch(regime.CreateSampler(500, seed: 7), 5), Epoch(regime.CreateSampler(500, seed: 8), 5));
        var full = regime with { Sampling = Sampling.Full };
        Assert.Equal(Epoch(full.CreateSampler(500, seed: 7), 0).Order(), Epoch(full.CreateSampler(500, seed: 8), 0).Order());
        Assert.NotEqual(
            Epoch(full.CreateSampler(500, seed: 7), 0).Order(),
            Epoch((full with { SubsetSeed = 1 }).CreateSampler(500, seed: 7), 0).Order());
        Assert.Equal(Enumerable.Range(0, 100), Epoch((full with { SubsetSeed = null }).CreateSampler(500, seed: 7), 0).Order());
    }

    [Theory]
    [InlineData("rs2 r=0.1")]
    [InlineData("rs2 r=0.1 replace")]
    public void Rs2_EachEpochAnRFractionOfTheSubset_WithoutReplacement_FreshEachEpoch(string sampling)
    {
        var regime = new DataRegime { UniqueExamples = 400, Sampling = Sampling.Parse(sampling) };
        int[] pool = Epoch((regime with { Sampling = Sampling.Full }).CreateSampler(2_000, seed: 3), 0);
        IEpochSampler sampler = regime.CreateSampler(2_000, seed: 3);

        Assert.Equal(40, sampler.EpochLength);
        int[] previous = Epoch(sampler, 0);
        for (int epoch = 0; epoch < 12; epoch++)
        {
            int[] order = Epoch(sampler, epoch);
            Assert.Equal(40, order.Distinct().Count());
            Assert.Subset(pool.ToHashSet(), order.ToHashSet());
            if (epoch > 0)
            {
                Assert.NotEqual(previous.Order(), order.Order());
            }

            previous = order;
        }
    }

    [Fact]
    public void Rs2WithoutReplacement_EveryExampleOncePerPass()
    {
        IEpochSampler sampler = new DataRegime { Sampling = Sampling.Rs2(0.1) }.CreateSampler(1_000, seed: 9);

        int[] pass0 = Enumerable.Range(0, 10).SelectMany(e => Epoch(sampler, e)).ToArray();
        int[] pass1 = Enumerable.Range(10, 10).SelectMany(e => Epoch(sampler, e)).ToArray();

        Assert.Equal(Enumerable.Range(0, 1_000), pass0.Order());
        Assert.Equal(Enumerable.Range(0, 1_000), pass1.Order());
        Assert.NotEqual(pass0, pass1);
    }

    [Fact]
    public void Rs2WithoutReplacement_RemainderSitsOutOnePass()
    {
        var sampler = (Rs2PassSampler)new DataRegime { Sampling = Sampling.Rs2(0.3) }.CreateSampler(10, seed: 2);

        Assert.Equal((3, 3), (sampler.EpochLength, sampler.RoundsPerPass));
        int[] pass = Enumerable.Range(0, 3).SelectMany(e => Epoch(sampler, e)).ToArray();
        Assert.Equal(9, pass.Distinct().Count());
    }

    [Fact]
    public void Rs2Replace_NoBudget_SameAsRs2Sampler()
    {
        IEpochSampler regime = new DataRegime { Sampling = Sampling.Rs2(0.1, replace: true) }.CreateSampler(1_000, seed: 5);

        Assert.Equal(Epoch(new Rs2Sampler(1_000, seed: 5, fraction: 0.1), 3), Epoch(regime, 3));
    }

    [Theory]
    [InlineData("full", 1_000, 7, 64, true)]
    [InlineData("full", 1_000, 7, 64, false)]
    [InlineData("rs2 r=0.1", 1_000, 13, 16, true)]
    [InlineData("rs2 r=0.3 replace", 997, 5, 32, false)]
    public void Plan_CountsWhatTheBatchStreamHandsOut(string sampling, int unique, int epochs, int batch, bool dropLast)
    {
        var regime = new DataRegime { UniqueExamples = unique, Epochs = epochs, Sampling = Sampling.Parse(sampling) };
        RegimePlan plan = regime.Plan(exampleCount: 1_500, batch, dropLast);
        BatchStream stream = regime.CreateBatches(1_500, seed: 0, batch, dropLast);

        var buffer = new int[batch];
        long seen = 0;
        for (long step = 0; step < plan.Steps; step++)
        {
            seen += stream.Next(buffer);
        }

        Assert.Equal(plan.ExamplesSeen, seen);
        Assert.Equal(epochs - 1, stream.Epoch);
        Assert.Equal(stream.SamplesPerEpoch, stream.Offset);
    }

    [Fact]
    public void Plan_TokensFollowFromUEpochsBatchAndContext()
    {
        // U = 64 chunks of 128 = 8,192 tokens, 4 epochs, batch 8: 8 steps per epoch, D = 32,768 tokens.
        RegimePlan plan = DataRegime.ForTokens(8_192, context: 128, epochs: 4).Plan(exampleCount: 1_000, batch: 8);

        Assert.Equal(new RegimePlan(64, 64, 4, 8, 32, 256, 8_192, 32_768), plan);
        Assert.Equal(plan.UniqueTokens * plan.Epochs, plan.Tokens);

        // RS2 r=0.25: an epoch is 16 chunks, D = 16 × 4 × 128.
        RegimePlan rs2 = DataRegime.ForTokens(8_192, 128, 4, Sampling.Rs2(0.25)).Plan(1_000, batch: 8);
        Assert.Equal((2, 8L, 8_192L), (rs2.BatchesPerEpoch, rs2.Steps, rs2.Tokens));
    }

    [Fact]
    public void Plan_BatchLargerThanEpoch_SaysWhy()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DataRegime.ForTokens(1_280, 128, 1, Sampling.Rs2(0.1)).Plan(100, batch: 2));

        Assert.Contains("a batch of 2 does not fit in an epoch of 128 tokens (1 chunks of 128)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_SameAbstraction()
    {
        Dataset data = SyntheticData.Create(new SyntheticOptions(Seed: 1));
        var regime = new DataRegime { UniqueExamples = 512, Epochs = 2, Sampling = Sampling.Rs2(0.25) };
        BatchStream batches = regime.CreateBatches(data.Train.Count, seed: 1, batch: 32);
        var indices = new int[32];
        var x = new float[data.Features * 32];
        var labels = new int[32];

        RegimePlan plan = regime.Plan(data.Train.Count, 32);
        var seen = new HashSet<int>();
        for (long step = 0; step < plan.Steps; step++)
        {
            int n = batches.Next(indices);
            data.Train.FillBatch(indices.AsSpan(0, n), x, labels);
            seen.UnionWith(indices[..n]);
        }

        Assert.Equal((4, 8L, 256L), (plan.BatchesPerEpoch, plan.Steps, plan.ExamplesSeen));
        Assert.Equal(256, seen.Count); // two rounds of 128 from one pass: no repeats
    }

    [Theory]
    [InlineData("full", "full")]
    [InlineData("rs2 r=0.1", "rs2 r=0.1")]
    [InlineData("  rs2   r=0.30  ", "rs2 r=0.3")]
    [InlineData("rs2 r=1 replace", "rs2 r=1 replace")]
    public void Sampling_ParseAndPrint(string text, string canonical) =>
        Assert.Equal(canonical, Sampling.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("rs2")]
    [InlineData("rs2 r=0")]
    [InlineData("rs2 r=1.5")]
    [InlineData("rs2 r=abc")]
    [InlineData("rs2 r=0.1 again")]
    [InlineData("Full")]
    public void Sampling_BadText_OneLineSaysTheForms(string text)
    {
        var error = Assert.Throws<FormatException>(() => Sampling.Parse(text));

        Assert.Equal($"sampling '{text}' is not one of: full, rs2 r=R, rs2 r=R replace (R a fraction in (0, 1], e.g. rs2 r=0.1)", error.Message);
    }
}
