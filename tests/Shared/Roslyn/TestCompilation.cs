using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparseDsl.Testing;

/// <summary>
/// In-memory compilations of user source that reference SparseDsl as a user's project does (the runtime, the
/// Language assembly, ILGPU), for the generator and analyzer tests. No download: the references are the test
/// host's own assemblies.
/// </summary>
public static class TestCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = trusted.Split(Path.PathSeparator).ToList();
        paths.Add(typeof(SparseDsl.SparseModelAttribute).Assembly.Location);  // SparseDsl.Runtime
        paths.Add(typeof(SparseDsl.Language.ModelSpec).Assembly.Location);    // SparseDsl.Language
        paths.Add(typeof(ILGPU.Context).Assembly.Location);
        paths.Add(typeof(ILGPU.Algorithms.XMath).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Create(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary, string assemblyName = "UserProject") =>
        CSharpCompilation.Create(
            assemblyName,
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "User.cs") },
            References.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
}
