using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace SparseDsl.Roslyn;

/// <summary>
/// Who reports a compilation's SPD diagnostics. Normally the analyzers, while you type and in <c>dotnet build</c>.
/// But the C# compiler checks declarations before it asks the analyzers for anything, and on a declaration error
/// it stops there (Roslyn's <c>CommonCompiler.CompileAndEmit</c> returns after <c>CompilationStage.Declare</c>), so
/// no analyzer diagnostic reaches the build. A SparseDsl slip can itself be such an error: a [SparseModel] class
/// that is not partial but declares partial layers (CS0751, and CS9248 per layer; with the stub, CS0260 once), or
/// partial layers that no generated half can implement (CS9248). Generators run before that check, so in exactly
/// that case the generator reports every SPD finding of the compilation, and emits the marker class
/// <see cref="MarkerName"/> so that the analyzers — which the IDE runs in spite of compiler errors — stand aside:
/// each diagnostic is reported once, by one of the two, in the build and in the IDE.
/// </summary>
internal static class GeneratorReports
{
    public const string MarkerNamespace = "SparseDsl.Generated";
    public const string MarkerClass = "SparseDslDiagnosticsFromGenerator";
    public const string MarkerName = MarkerNamespace + "." + MarkerClass;

    /// <summary>Whether the generator reports this compilation's SPD diagnostics (its marker is in the compilation); the analyzers then report none.</summary>
    public static bool AreOn(Compilation compilation) => compilation.Assembly.GetTypeByMetadataName(MarkerName) is not null;

    /// <summary>
    /// Whether the compiler rejects a model's (or a layer class's) declaration before running analyzers: not partial
    /// while it declares partial members (CS0751; CS0260 with the stub), or a partial layer no generated half implements
    /// (CS9248: no half fits the class, or the stub cannot write the layer's type).
    /// </summary>
    public static bool CompilerRejects(bool isPartial, bool declaresPartialMembers, bool takesGeneratedCode, IEnumerable<LayerMember> members) =>
        (!isPartial && declaresPartialMembers)
        || members.Any(m => m.IsPartialDefinition && (!takesGeneratedCode || m.PartialType is null));

    /// <summary>Every SPD diagnostic the analyzers would report on the compilation's own classes (nested ones included), in declaration order.</summary>
    public static IEnumerable<Diagnostic> InCompilation(Compilation compilation, int maxGridPoints, CancellationToken cancellation)
    {
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        var diagnostics = new List<Diagnostic>();
        while (pending.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var member in pending.Pop().GetMembers())
            {
                if (member is INamedTypeSymbol type)
                {
                    if (!type.IsImplicitlyDeclared)
                    {
                        diagnostics.AddRange(DeclarationFindings.OfModel(type, cancellation));
                        diagnostics.AddRange(DeclarationFindings.OfExperiment(type, maxGridPoints, cancellation));
                    }

                    pending.Push(type);
                }
                else if (member is INamespaceSymbol ns)
                {
                    pending.Push(ns);
                }
            }
        }

        return diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, System.StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, System.StringComparer.Ordinal);
    }
}
