using SparseDsl.Roslyn;

namespace SparseDsl.Generator.Emitters;

/// <summary>
/// The marker class of <see cref="GeneratorReports"/>: present only while a SparseDsl declaration stops the compiler
/// before its analyzers, and the generator reports the SPD diagnostics instead.
/// </summary>
internal static class ReportMarkerEmitter
{
    public const string HintName = "SparseDsl.DiagnosticsFromGenerator.g.cs";

    public static string Write()
    {
        var writer = new SourceWriter().Header("the project's declarations", GeneratorReports.MarkerNamespace);
        writer.Line("// A SparseDsl declaration has an error the C# compiler reports before it runs analyzers (CS0260, CS0751 or");
        writer.Line("// CS9248: a class that is not partial, or partial layers nothing can implement), and the compiler stops there.");
        writer.Line("// So in this build SparseDsl's generator reports every SPD diagnostic of the project, and this class tells");
        writer.Line("// SparseDsl's analyzers not to report them a second time. It disappears with the error.");
        writer.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        writer.Line("internal static class " + GeneratorReports.MarkerClass);
        writer.Line("{");
        writer.Line("}");
        return writer.ToString();
    }
}
