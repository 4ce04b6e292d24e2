using System.Linq;
using SparseDsl.Generator.Lowering;
using SparseDsl.Roslyn;
using SparseDsl.Language;

namespace SparseDsl.Generator.Emitters;

/// <summary>
/// Writes the network half of a [SparseModel]: the spec as data, one shape struct per layer (so the runtime's
/// kernels are specialized with the sizes baked in), the layers, and forward/backward written out in order.
/// </summary>
internal static partial class ModelEmitter
{
    private const string Training = "global::SparseDsl.Training.";
    private const string Device = "global::SparseDsl.Training.Device.";

    /// <param name="target">The model as parsed.</param>
    /// <param name="gridPatterns">The patterns of the 'pattern' grid axes of the experiments naming the model.</param>
    /// <param name="gridWidths">The values of the 'width' grid axes of the experiments naming the model (language models).</param>
    public static string Write(ModelTarget target, EquatableArray<SparsityPatternSpec> gridPatterns, EquatableArray<int> gridWidths = default)
    {
        var spec = target.Spec;
        var writer = new SourceWriter().Header(spec.Name, spec.Namespace);
        if (!target.IsEmitted)
        {
            WriteErrorStub(writer, target);
            return writer.ToString();
        }

        if (spec.IsTokenModel)
        {
            return TokenModelEmitter.Write(target, gridPatterns, gridWidths);
        }

        var model = LoweredModel.Lower(spec, gridPatterns);
        var weightLayers = model.Layers.Where(l => l.HasWeights).ToList();
        writer.Line("/// <summary>" + spec.Name + ": " + string.Join(" → ", model.Layers.Select(l => SourceWriter.Number(l.Out))) + ", loss " + spec.Loss + ".</summary>");
        writer.Open(target.Accessibility + " partial class " + spec.Name + " : " + Training + "ISparseNetwork, " + Device + "IDeviceNetworkSource");

        WriteSpec(writer, spec, "The declaration as data: the runtime solves per-layer densities from it for every grid point.");
        WriteFields(writer, model);
        WriteConstructors(writer, model);
        WriteMembers(writer, target, model);
        WriteForward(writer, weightLayers);
        WriteBackward(writer, weightLayers);
        WriteCreateDeviceNetwork(writer, weightLayers);
        WriteShapes(writer, weightLayers);
        WriteGpuKernels(writer, model);

        writer.Close();
        return writer.ToString();
    }

    /// <summary>
    /// The declaration as data (<c>Spec</c>), for both model kinds: each layer as a <c>LayerSpec</c> with the token-layer
    /// parts (embedding, block, tie, target) as initializers when it has them.
    /// </summary>
    internal static void WriteSpec(SourceWriter writer, ModelSpec spec, string summary)
    {
        writer.Line("/// <summary>" + summary + "</summary>");
        writer.Line("public static global::SparseDsl.Language.ModelSpec Spec { get; } = new(");
        writer.Line("    " + SourceWriter.Literal(spec.Namespace) + ",");
        writer.Line("    " + SourceWriter.Literal(spec.Name) + ",");
        writer.Line("    " + SourceWriter.Enum(spec.Loss) + ",");
        writer.Line("    " + SourceWriter.Number(spec.Sparsity) + ",");
        writer.Line("    " + SourceWriter.Enum(spec.Distribution) + ",");
        writer.Line("    global::SparseDsl.Language.EquatableArray.ToEquatableArray(new global::SparseDsl.Language.LayerSpec[]");
        writer.Line("    {");
        foreach (var l in spec.Layers)
        {
            string pattern = l.Pattern is null ? "null" : PatternLiteral(l.Pattern);
            string sparsity = l.Sparsity is double s ? SourceWriter.Number(s) : "null";
            var inits = new System.Collections.Generic.List<string>();
            if (l.Embedding is { } e)
            {
                inits.Add("Embedding = new(" + SourceWriter.Number(e.Vocab) + ", " + SourceWriter.Number(e.Context) + ")");
            }

            if (l.Block is { } b)
            {
                inits.Add("Block = new(" + SourceWriter.Number(b.Heads) + ", " + SourceWriter.Number(b.MlpRatio) + ", " + SourceWriter.Number(b.Count) + ", "
                    + SourceWriter.Literal(b.Mlp) + ", " + SourceWriter.Literal(b.Norm) + ", " + SourceWriter.Literal(b.Positions) + ")");
            }

            if (l.TiedTo is string tied)
            {
                inits.Add("TiedTo = " + SourceWriter.Literal(tied));
            }

            if (l.SparseTarget is string target)
            {
                inits.Add("SparseTarget = " + SourceWriter.Literal(target));
            }

            writer.Line("        new(" + SourceWriter.Literal(l.Name) + ", global::SparseDsl.Language.LayerKind." + l.Kind + ", "
                + SourceWriter.Number(l.Units) + ", " + SourceWriter.Enum(l.Activation) + ", " + (l.KeepDense ? "true" : "false") + ", "
                + pattern + ", " + sparsity + ")" + (inits.Count == 0 ? "" : " { " + string.Join(", ", inits) + " }") + ",");
        }

        writer.Line("    }))" + (spec.SparseTarget is string modelTarget ? " { SparseTarget = " + SourceWriter.Literal(modelTarget) + " }" : "") + ";");
        writer.Line();
    }

    internal static string PatternLiteral(SparsityPatternSpec pattern) =>
        "new global::SparseDsl.Language.SparsityPatternSpec(global::SparseDsl.Language.PatternKind." + pattern.Kind + ", "
        + SourceWriter.Number(pattern.BlockRows) + ", " + SourceWriter.Number(pattern.BlockCols) + ", "
        + SourceWriter.Number(pattern.N) + ", " + SourceWriter.Number(pattern.M) + ")";

    private static void WriteFields(SourceWriter writer, LoweredModel model)
    {
        foreach (var layer in model.Layers)
        {
            writer.Line(layer.HasWeights
                ? "private readonly " + Training + "Linear<" + layer.ShapeStruct + "> " + layer.Field + ";"
                : "private readonly " + Training + "InputLayer " + layer.Field + ";");
        }

        writer.Line();
    }

    private static void WriteConstructors(SourceWriter writer, LoweredModel model)
    {
        var spec = model.Spec;
        writer.Line("/// <summary>Builds " + spec.Name + " as declared: model sparsity " + SourceWriter.Number(spec.Sparsity) + " (" + spec.Distribution + "), seed 1.</summary>");
        writer.Line("public " + spec.Name + "()");
        writer.Line("    : this(" + Training + "NetworkOptions.Declared(Spec))");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Line("/// <summary>Builds " + spec.Name + " for one run: densities solved for the options' sparsity and distribution, weights drawn from its seed.</summary>");
        writer.Open("public " + spec.Name + "(" + Training + "NetworkOptions options)");
        writer.Line("var plan = " + Training + "NetworkPlan.Solve(Spec, options);");
        foreach (var layer in model.Layers)
        {
            if (!layer.HasWeights)
            {
                writer.Line(layer.Field + " = new " + Training + "InputLayer(" + SourceWriter.Literal(layer.Name) + ", " + SourceWriter.Number(layer.Out) + ");");
                continue;
            }

            writer.Line("// " + layer.Name + ": " + DensityComment(layer));
            writer.Line(layer.Field + " = " + Training + "Linear<" + layer.ShapeStruct + ">.Create(" + SourceWriter.Literal(layer.Name) + ", "
                + SourceWriter.Enum(layer.Spec.Activation) + ", plan.Layer(" + SourceWriter.Number(layer.Index) + "));");
        }

        writer.Line("Layers = new global::SparseDsl.Layer[] { " + string.Join(", ", model.Layers.Select(l => l.Field)) + " };");
        writer.Line("Parameters = " + Training + "Linear.ParametersOf(" + string.Join(", ", model.Layers.Where(l => l.HasWeights).Select(l => l.Field)) + ");");
        writer.Close();
        writer.Line();
    }

    private static string DensityComment(LoweredLayer layer) => layer.Declared?.Source switch
    {
        DensitySource.KeepDense => "[KeepDense], always dense",
        DensitySource.Own or DensitySource.Pattern => "own pattern " + layer.Spec.Pattern + ", density " + SourceWriter.Rounded(layer.Declared!.Density),
        _ => "shares the model-level sparsity target (as declared: density " + SourceWriter.Rounded(layer.Declared?.Density ?? 1) + ")",
    };

    private static void WriteMembers(SourceWriter writer, ModelTarget target, LoweredModel model)
    {
        var first = model.Layers[0];
        var last = model.Layers[model.Layers.Count - 1];
        foreach (var member in target.Members)
        {
            var layer = model.Layers.First(l => l.Name == member.Name);
            writer.Line(member.Accessibility + " partial global::SparseDsl.Layer " + member.Name + " => " + layer.Field + ";");
        }

        writer.Line();
        writer.Line("public int InputSize => " + SourceWriter.Number(first.Out) + ";");
        writer.Line();
        writer.Line("public int OutputSize => " + SourceWriter.Number(last.Out) + ";");
        writer.Line();
        writer.Line("public global::System.Collections.Generic.IReadOnlyList<global::SparseDsl.Layer> Layers { get; }");
        writer.Line();
        writer.Line("public global::System.Collections.Generic.IReadOnlyList<" + Training + "Parameter> Parameters { get; }");
        writer.Line();
    }

    private static void WriteForward(SourceWriter writer, System.Collections.Generic.List<LoweredLayer> layers)
    {
        writer.Line("/// <summary>Forward pass; activations are feature-major, [features, batch].</summary>");
        writer.Open("public float[] Forward(float[] input, int batch)");
        string previous = "input";
        foreach (var layer in layers)
        {
            writer.Line("// " + layer.Name + ": " + layer.Output + "[" + layer.Out + ", batch] = " + ActivationMath(layer.Spec.Activation,
                "W[" + layer.Out + ", " + layer.In + "] · " + previous + "[" + layer.In + ", batch] + b[" + layer.Out + "]"));
            writer.Line("float[] " + layer.Output + " = " + layer.Field + ".Forward(" + previous + ", batch);");
            previous = layer.Output;
        }

        writer.Line("return " + previous + ";");
        writer.Close();
        writer.Line();
    }

    private static void WriteBackward(SourceWriter writer, System.Collections.Generic.List<LoweredLayer> layers)
    {
        writer.Line("/// <summary>Backward pass from ∂loss/∂output [out, batch]; fills every parameter's gradient.</summary>");
        writer.Open("public void Backward(float[] lossGradient, int batch)");
        string incoming = "lossGradient";
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var layer = layers[i];
            bool first = i == 0;
            string dz = layer.Spec.Activation == Activation.None ? "dz = dy" : "dz = dy ⊙ " + layer.Spec.Activation.ToString().ToLowerInvariant() + "'(y)";
            writer.Line("// " + layer.Name + ": " + dz + "; dW = dz · xᵀ; db = Σ_batch dz"
                + (first ? " (first layer: no dx)" : "; dx[" + layer.In + ", batch] = Wᵀ · dz"));
            if (first)
            {
                writer.Line(layer.Field + ".Backward(" + incoming + ", batch, needInputGradient: false);");
            }
            else
            {
                writer.Line("float[] " + layer.Gradient + " = " + layer.Field + ".Backward(" + incoming + ", batch, needInputGradient: true)!;");
                incoming = layer.Gradient;
            }
        }

        writer.Close();
        writer.Line();
    }

    private static string ActivationMath(Activation activation, string affine) => activation switch
    {
        Activation.None => affine,
        _ => activation.ToString().ToLowerInvariant() + "(" + affine + ")",
    };

    private static void WriteShapes(SourceWriter writer, System.Collections.Generic.List<LoweredLayer> layers)
    {
        foreach (var layer in layers)
        {
            writer.Line("/// <summary>" + layer.Name + " is " + layer.In + " → " + layer.Out + "; the runtime's kernels specialize on these constants.</summary>");
            writer.Open("public readonly struct " + layer.ShapeStruct + " : global::SparseDsl.Kernels.ILayerShape");
            writer.Line("public static int In => " + SourceWriter.Number(layer.In) + ";");
            writer.Line();
            writer.Line("public static int Out => " + SourceWriter.Number(layer.Out) + ";");
            writer.Close();
            writer.Line();
        }
    }

    /// <summary>
    /// A declaration with errors still gets its partial properties as written (no CS9248 cascade), but no network. A
    /// class that is not partial gets it too when it declares partial layers (SPD001): the compiler then says CS0260
    /// once instead of CS0751 and CS9248 for every layer.
    /// </summary>
    private static void WriteErrorStub(SourceWriter writer, ModelTarget target)
    {
        string name = target.Spec.Name;
        string why = target.HasErrors ? "has SparseDsl errors (see the SPD diagnostics)" : "uses what this version cannot run yet (SPD401)";
        string fix = target.HasErrors ? "fix the SPD diagnostics and rebuild." : "see the SPD401 warning.";
        writer.Line("// " + name + " " + why + "; no network was generated.");
        writer.Open(target.Accessibility + " partial class " + name);
        string thrown = "throw new global::System.InvalidOperationException(" + SourceWriter.Literal(name + " has no generated network; " + fix) + ")";
        foreach (var member in target.Members.Where(m => m.PartialType is not null))
        {
            string declaration = member.Accessibility + (member.IsStatic ? " static" : "") + " partial " + member.PartialType + " " + member.Name;
            writer.Line(member.HasSetter
                ? declaration + " { get => " + thrown + "; set => " + thrown + "; }"
                : declaration + " => " + thrown + ";");
        }

        writer.Close();
    }
}
