using System.Diagnostics;
using SparseDsl.Analyzers.Tests.Catalog;

namespace SparseDsl.Analyzers.Tests;

/// <summary>
/// What a user sees from <c>dotnet build</c> on a project with one invalid declaration: the SPD error at the
/// file, line and column of the argument, its message, and nothing else.
/// </summary>
public sealed class DotnetBuildTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void InvalidSparsity_BuildFailsWithOneSPD101AtTheArgument()
    {
        string source = Declarations.WithExperiment(Declarations.ValidExperiment).Replace("Sparse(\"unstructured\", 0.95)", "Sparse(\"unstructured\", 1.5)");
        var (exitCode, output) = Build(source);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Study.cs({Position(source, "1.5)")}): error SPD101: Sparsity 1.5 of layer 'Hidden2' must be in [0, 1)", output);
        var errors = Errors(output);
        Assert.True(errors.Count == 1, "expected only the SPD101 error:\n" + output);
    }

    /// <summary>
    /// The slip of the issue: partial layers in a [SparseModel] class that is not partial. The compiler stops at its
    /// declaration error (CS0260) before it runs the analyzers, so the generator reports the SPD diagnostics: SPD001
    /// at the class name, and the errors of the other declarations too.
    /// </summary>
    [Fact]
    public void ModelNotPartialWithPartialLayers_BuildShowsSPD001AndTheOtherModelsSPD101()
    {
        const string Tiny = """
            [SparseModel]
            public class Tiny
            {
                [Input(4)] public partial Layer Features { get; }
                [Dense(2)] public partial Layer Output { get; }
            }
            """;
        string source = Declarations.WithExperiment(Declarations.ValidExperiment).Replace("Sparsity = 0.9,", "Sparsity = 1.5,")
            .Replace("namespace Tests;\n", "namespace Tests;\n\n" + Tiny + "\n");
        var (exitCode, output) = Build(source);

        Assert.NotEqual(0, exitCode);
        string tiny = Position(source, "Tiny\n");
        Assert.Contains($"Study.cs({tiny}): error SPD001: [SparseModel] class 'Tiny' must be partial so SparseDsl can add the generated network; declare it 'public partial class Tiny'", output);
        Assert.Contains($"Study.cs({Position(source, "1.5,")}): error SPD101: Sparsity 1.5 of model 'Mlp' must be in [0, 1)", output);
        Assert.Contains($"Study.cs({tiny}): error CS0260: Missing partial modifier on declaration of type 'Tiny'", output);
        var errors = Errors(output);
        Assert.True(errors.Count == 3, "expected SPD001, SPD101 and CS0260, once each:\n" + output);
    }

    private static (int ExitCode, string Output) Build(string source)
    {
        string folder = Path.Combine(Path.GetTempPath(), "sparsedsl-build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Study.cs"), source);
            File.WriteAllText(Path.Combine(folder, "Study.csproj"), Project());
            return Dotnet(folder, "build", "-c", Configuration, "-p:BuildProjectReferences=false", "--nologo", "-v", "q", "-clp:NoSummary");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>"line,column" (1-based) of the first occurrence of <paramref name="text"/>, as the build prints it.</summary>
    private static string Position(string source, string text)
    {
        int offset = source.IndexOf(text, StringComparison.Ordinal);
        int line = source.Take(offset).Count(c => c == '\n') + 1;
        int column = offset - source.LastIndexOf('\n', offset - 1);
        return line + "," + column;
    }

    private static List<string> Errors(string output) =>
        output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();

    /// <summary>A project outside the repository that references SparseDsl as the examples do.</summary>
    private static string Project()
    {
        string src = RepositoryFiles.PathOf("src");
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{RepositoryFiles.PathOf("build/SparseDsl.props")}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{src}/Runtime/Runtime.csproj" />
                <ProjectReference Include="{src}/Language/Language.csproj" />
                <ProjectReference Include="{src}/Generator/Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <ProjectReference Include="{src}/Analyzers/Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
              </ItemGroup>
            </Project>
            """;
    }

    private static (int ExitCode, string Output) Dotnet(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under MSBuild's environment; a child build must not inherit it.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "dotnet build did not finish in 5 minutes");
        return (process.ExitCode, stdout.Result + stderr);
    }
}
