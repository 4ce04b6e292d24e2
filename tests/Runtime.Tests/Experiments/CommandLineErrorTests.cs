namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>The generated program answers a command-line mistake with one line and exit code 2, not a help screen.</summary>
public sealed class CommandLineErrorTests
{
    [Fact]
    public void UnknownOption_OneLineNamingItAndWhereTheOptionsAre()
    {
        var (code, stdout, stderr) = FitStudy.Run("list", "--stor", "x.db");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        string line = Assert.Single(stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("--stor", line);
        Assert.EndsWith("Run 'dotnet run -- list --help' for the options.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueNotAllowed_NamesTheAllowedOnes()
    {
        var (code, _, stderr) = FitStudy.Run("run", "--backend", "tpu");

        Assert.Equal(2, code);
        Assert.Contains("tpu", stderr);
        Assert.Contains("cuda", stderr);
    }

    [Fact]
    public void CudaWithoutACudaDevice_OneLineSayingSo()
    {
        using (var context = ILGPU.Context.Create(builder => builder.Default()))
        {
            if (context.Devices.Any(d => d.AcceleratorType == ILGPU.Runtime.AcceleratorType.Cuda))
            {
                return; // a machine with CUDA would train here; the refusal is what this test is about
            }
        }

        var (code, stdout, stderr) = FitStudy.Run("run", "--backend", "cuda");

        string line = Assert.Single(stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --backend cuda: ILGPU found no CUDA device", line, StringComparison.Ordinal);
        Assert.DoesNotContain("error", stdout, StringComparison.Ordinal);
        Assert.Equal(2, code);
    }

    [Theory]
    [InlineData("run --steps abc", "--steps expects a whole number (such as 1000), got 'abc'.", "run")]
    [InlineData("list --steps 1.5", "--steps expects a whole number (such as 1000), got '1.5'.", "list")]
    [InlineData("run --lease soon", "--lease expects a number (such as 2.5 or 1e-3), got 'soon'.", "run")]
    [InlineData("fit --law chinchilla --unique-samples many", "--unique-samples expects a number (such as 2.5 or 1e-3), got 'many'.", "fit")]
    public void NumberThatDoesNotParse_OneLineNamingTheOptionAndTheForm(string args, string expected, string verb)
    {
        var (code, stdout, stderr) = FitStudy.Run(args.Split(' '));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {expected} Run 'dotnet run -- {verb} --help' for the options.", stderr.Trim());
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunOnATruncatedIdxFile_OneLineNamingIt_NoStackTrace()
    {
        using var study = new FitStudy();
        string data = study.PathOf("data");
        Data.IdxFixtures.WriteFashionMnist(data, train: 40, test: 20);
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..100]);
        var fashion = FitStudy.Definition with { Data = "fashion-mnist" };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int code = SparseDsl.Experiments.ExperimentProgram.Run(["run", "--store", study.Db, "--data-dir", data], [fashion], stdout, stderr);

        Assert.Equal(2, code);
        string line = Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot read --data-dir {data}: {images}: truncated", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout.ToString() + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NoVerb_SaysAVerbIsNeeded()
    {
        var (code, _, stderr) = FitStudy.Run();

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'dotnet run -- --help' for the options.", stderr);
    }

    [Fact]
    public void ACheckpointDirThatIsAFile_OneLineNamingIt_BeforeAnyPoint()
    {
        using var study = new FitStudy();
        string file = study.PathOf("not-a-folder");
        File.WriteAllText(file, "x");

        var (code, stdout, stderr) = FitStudy.Run("run", "--store", study.Db, "--checkpoint-dir", file);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: --checkpoint-dir '{file}' cannot be used as a folder (", stderr, StringComparison.Ordinal);
        Assert.EndsWith("; give a writable folder, or --checkpoint-every 0" + Environment.NewLine, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("done ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void ALossNoBackendCanTrain_OneLineBeforeAnyPoint(string backend)
    {
        using var study = new FitStudy();
        var nextToken = FitStudy.Definition with { Model = FitStudy.Definition.Model with { Loss = SparseDsl.Loss.NextToken } };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int code = SparseDsl.Experiments.ExperimentProgram.Run(["run", "--backend", backend, "--store", study.Db], [nextToken], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Equal(
            "error: loss NextToken needs a language model ([Embedding], [TransformerBlock], [LayerNorm], [Unembedding]); FitMlp is an [Input] + [Dense] network, so declare Loss = Loss.SoftmaxCrossEntropy or Loss.MeanSquaredError" + Environment.NewLine,
            stderr.ToString());
        Assert.DoesNotContain("to run", stdout.ToString(), StringComparison.Ordinal);
    }
}
