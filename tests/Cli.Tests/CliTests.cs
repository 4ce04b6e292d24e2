using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SparseDsl.Cli.Tests;

/// <summary>The sparsedsl tool's entry point, run in-process on the datablations CSV.</summary>
public sealed class CliTests : IDisposable
{
    private const string FrozenBase = "a=6.255414,b=7.3049974,e=0.6254804,alpha=0.3526596";

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "sparsedsl-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Fact]
    public void FitWithJson_WritesLawParametersObjectR2AndN()
    {
        string json = Path.Combine(_temp, "fit.json");
        (int code, string stdout, string stderr) = Run(
            "fit", "--law", "data-constrained", "--csv", Datablations(), "--freeze", FrozenBase, "--starts", "4", "--json", json);

        Assert.True(code == 0, stderr);
        Assert.Contains("rd_star", stdout);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        Assert.Equal("data-constrained", root.GetProperty("law").GetString());
        Assert.Equal(182, root.GetProperty("n").GetInt32());
        Assert.True(root.GetProperty("r2").GetDouble() >= 0.77);
        Assert.True(root.GetProperty("objective").GetDouble() > 0);
        JsonElement parameters = root.GetProperty("parameters");
        Assert.Equal(6.255414, parameters.GetProperty("a").GetDouble());
        Assert.True(parameters.GetProperty("rd_star").GetDouble() > 0);
        Assert.True(parameters.GetProperty("rn_star").GetDouble() > 0);
        Assert.False(root.TryGetProperty("holdout_r2", out _));
        Assert.False(root.TryGetProperty("intervals", out _));
        Assert.Equal(182, root.GetProperty("residuals").GetArrayLength());
    }

    [Fact]
    public void FitWithHoldoutAndBootstrap_WritesHoldoutR2AndIntervals()
    {
        string json = Path.Combine(_temp, "fit.json");
        (int code, _, string stderr) = Run(
            "fit", "--law", "data-constrained", "--csv", Datablations(), "--freeze", FrozenBase, "--starts", "2",
            "--holdout", "params==max", "--bootstrap", "4", "--json", json);

        Assert.True(code == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty("holdout_r2").ValueKind);
        Assert.Equal(2, doc.RootElement.GetProperty("intervals").GetProperty("rn_star").GetArrayLength());
    }

    [Fact]
    public void Report_WritesMarkdownAndPngFigures()
    {
        string outDir = Path.Combine(_temp, "report");
        (int code, _, string stderr) = Run(
            "report", "--law", "data-constrained", "--csv", Datablations(), "--freeze", FrozenBase, "--starts", "2", "--out", outDir);

        Assert.True(code == 0, stderr);
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| rd_star |", md);
        Assert.Contains("![loss_vs_tokens](loss_vs_tokens.png)", md);
        foreach (string name in new[] { "loss_vs_tokens", "iso_loss", "residuals" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(outDir, name + ".png"));
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png.Take(4).ToArray());
            Assert.True(new FileInfo(Path.Combine(outDir, name + ".svg")).Length > 0);
        }
    }

    [Fact]
    public void FitWithReport_WritesReportMarkdownAndFigures()
    {
        string outDir = Path.Combine(_temp, "fit-report");
        (int code, string stdout, string stderr) = Run(
            "fit", "--law", "data-constrained", "--csv", Datablations(), "--freeze", FrozenBase, "--starts", "2", "--report", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("report: " + Path.Combine(outDir, "report.md"), stdout);
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| rn_star |", md);
        Assert.Contains("![residuals](residuals.png)", md);
        Assert.True(new FileInfo(Path.Combine(outDir, "residuals.png")).Length > 0);
    }

    [Fact]
    public void BadCsvCell_OneLineNamingRowAndColumn_ExitCode2()
    {
        string csv = Path.Combine(_temp, "bad.csv");
        Directory.CreateDirectory(_temp);
        File.WriteAllText(csv, "params,tokens,unique_tokens,loss\n1e9,2e9,1e9,3\n1e9,2e9,1e9,NaN\n");

        (int code, string stdout, string stderr) = Run("fit", "--law", "chinchilla", "--csv", csv);

        Assert.Equal(2, code);
        Assert.Equal($"error: {csv} line 3, column 'loss': NaN is not a finite number; replace it or remove the row.", stderr.Trim());
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--law", "quadratic", "error: --law: unknown law 'quadratic'")]
    [InlineData("--freeze", "zeta=1", "error: --freeze: chinchilla has no parameter 'zeta'")]
    [InlineData("--holdout", "params>>1", "error: --holdout:")]
    public void BadOption_OneLine_ExitCode2(string option, string value, string expectedStart)
    {
        string[] args = option == "--law"
            ? ["fit", "--law", value, "--csv", Datablations()]
            : ["fit", "--law", "chinchilla", "--csv", Datablations(), option, value];

        (int code, _, string stderr) = Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith(expectedStart, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--starts", "abc", "error: --starts expects a whole number (such as 1000), got 'abc'. Run 'sparsedsl fit --help' for the options.")]
    [InlineData("--huber-delta", "tiny", "error: --huber-delta expects a number (such as 2.5 or 1e-3), got 'tiny'. Run 'sparsedsl fit --help' for the options.")]
    public void NumberThatDoesNotParse_OneLineNamingTheOptionAndTheForm(string option, string value, string expected)
    {
        (int code, string stdout, string stderr) = Run("fit", "--law", "chinchilla", "--csv", Datablations(), option, value);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(expected, stderr.Trim());
    }

    [Fact]
    public void MissingRequiredOption_ExitCode2WithoutStackTrace()
    {
        (int code, _, string stderr) = Run("fit", "--csv", Datablations());

        Assert.Equal(2, code);
        Assert.Contains("--law", stderr);
        Assert.DoesNotContain(" at ", stderr);
    }

    [Fact]
    public void UnknownVerb_OneLineNamingIt_ExitCode2()
    {
        (int code, _, string stderr) = Run("fitt");

        Assert.Equal(2, code);
        Assert.Contains("fitt", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void MissingFile_ExitCode2()
    {
        (int code, _, string stderr) = Run("fit", "--law", "chinchilla", "--csv", Path.Combine(_temp, "none.csv"));
        Assert.Equal(2, code);
        Assert.EndsWith("file not found; pass an existing CSV with --csv.", stderr.Trim());
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Datablations([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "Runtime.Tests", "TestData", "datablations_c4_runs.csv"));
}
