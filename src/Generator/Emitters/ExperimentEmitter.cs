using System.Linq;
using System.Collections.Immutable;
using SparseDsl.Roslyn;

namespace SparseDsl.Generator.Emitters;

/// <summary>
/// Writes an [Experiment] as a <c>StudyDefinition</c>: the declaration's strings verbatim (they are the
/// canonical config hashed into run ids) and a factory for the model. The runtime's experiment program runs it.
/// </summary>
internal static class ExperimentEmitter
{
    public static string Write(ExperimentTarget target)
    {
        var spec = target.Spec;
        var writer = new SourceWriter().Header(spec.Name, spec.Namespace);
        if (!target.IsEmitted)
        {
            writer.Line("// " + spec.Name + (target.HasErrors ? " has SparseDsl errors (see the SPD diagnostics)" : " uses what this version cannot run yet (SPD401)")
                + "; no experiment program was generated.");
            writer.Line(target.Accessibility + " static partial class " + spec.Name + ";");
            return writer.ToString();
        }

        writer.Open(target.Accessibility + " static partial class " + spec.Name);
        writer.Line("/// <summary>");
        writer.Line("/// " + spec.Name + ": " + spec.ModelFullName + " on " + spec.Data + ", " + spec.Steps + " steps of batch " + spec.Batch
            + (spec.EvalEvery > 0 ? ", evaluated every " + spec.EvalEvery + " steps" : "") + ".");
        writer.Line("/// Optimizer \"" + Xml(spec.OptimizerText) + "\", schedule \"" + Xml(spec.ScheduleText) + "\".");
        foreach (var axis in spec.Grid)
        {
            writer.Line("/// Grid " + Xml(axis.Name) + ": " + Xml(axis.Values) + ".");
        }

        writer.Line("/// </summary>");
        writer.Line("public static global::SparseDsl.Experiments.StudyDefinition Definition { get; } = new(");
        writer.Line("    Name: " + SourceWriter.Literal(spec.Name) + ",");
        writer.Line("    Model: global::" + spec.ModelFullName + ".Spec,");
        writer.Line("    Data: " + SourceWriter.Literal(spec.Data) + ",");
        writer.Line("    Steps: " + SourceWriter.Number(spec.Steps) + ",");
        writer.Line("    Batch: " + SourceWriter.Number(spec.Batch) + ",");
        writer.Line("    EvalEvery: " + SourceWriter.Number(spec.EvalEvery) + ",");
        writer.Line("    Optimizer: " + SourceWriter.Literal(spec.OptimizerText) + ",");
        writer.Line("    Schedule: " + SourceWriter.Literal(spec.ScheduleText) + ",");
        writer.Line("    Grid: new global::SparseDsl.Language.GridAxisText[]");
        writer.Line("    {");
        foreach (var axis in spec.Grid)
        {
            writer.Line("        new(" + SourceWriter.Literal(axis.Name) + ", " + SourceWriter.Literal(axis.Values) + "),");
        }

        writer.Line("    },");
        writer.Line("    CreateNetwork: static options => new global::" + spec.ModelFullName + "(options));");
        writer.Close();
        return writer.ToString();
    }

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}

/// <summary>
/// The program's entry point: every study of the project, the first argument naming one when there are several.
/// A study that this version cannot run yet (SPD401) is listed with its reason, so running it says why.
/// </summary>
internal static class EntryPointEmitter
{
    public static string Write(ImmutableArray<ExperimentTarget> experiments)
    {
        var unavailable = experiments.Where(e => e.TakesGeneratedCode && !e.HasErrors && e.Unsupported is not null).ToList();
        var writer = new SourceWriter().Header("the project's [Experiment] classes");
        writer.Open("internal static class SparseDslProgram");
        writer.Open("public static int Main(string[] args)");
        writer.Line("return global::SparseDsl.Experiments.ExperimentProgram.Run(args, new global::SparseDsl.Experiments.StudyDefinition[]");
        writer.Line("{");
        foreach (var experiment in experiments.Where(e => e.IsEmitted))
        {
            writer.Line("    global::" + experiment.Spec.FullName + ".Definition,");
        }

        if (unavailable.Count == 0)
        {
            writer.Line("});");
        }
        else
        {
            writer.Line("},");
            writer.Line("new global::SparseDsl.Experiments.UnavailableStudy[]");
            writer.Line("{");
            foreach (var experiment in unavailable)
            {
                writer.Line("    new(" + SourceWriter.Literal(experiment.Spec.Name) + ", " + SourceWriter.Literal(experiment.Unsupported!) + "),");
            }

            writer.Line("});");
        }

        writer.Close();
        writer.Close();
        return writer.ToString();
    }
}
