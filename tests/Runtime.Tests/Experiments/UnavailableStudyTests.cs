using System.Globalization;
using SparseDsl.Experiments;

namespace SparseDsl.Runtime.Tests.Experiments;

/// <summary>A study the generator could not turn into a program (SPD401) says why instead of running.</summary>
public sealed class UnavailableStudyTests
{
    private static readonly UnavailableStudy Rigl = new("RiglStudy", "Schedule 'rigl' is not supported by this version yet");

    private static (int Code, string Stderr) Run(IReadOnlyList<StudyDefinition> studies, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = ExperimentProgram.Run(args, studies, [Rigl], stdout, stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public void OnlyStudyUnavailable_RunSaysWhyWithExitCode2()
    {
        var (code, stderr) = Run([], "run");

        Assert.Equal(2, code);
        Assert.Equal("error: RiglStudy was not generated: Schedule 'rigl' is not supported by this version yet (SPD401)." + Environment.NewLine, stderr);
    }

    [Fact]
    public void UnavailableStudyNamed_SaysWhyEvenBesideARunnableOne()
    {
        var (code, stderr) = Run([FitStudy.Definition], "riglstudy", "list");

        Assert.Equal(2, code);
        Assert.StartsWith("error: RiglStudy was not generated", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunnableStudyBesideAnUnavailableOne_StillRuns()
    {
        using var study = new FitStudy();
        var (code, stderr) = Run([FitStudy.Definition], "list", "--store", study.Db);

        Assert.True(code == 0, stderr);
    }
}
