using System.Collections.Generic;
using System.Linq;
using SparseDsl.Generator.Lowering;
using SparseDsl.Language;
using SparseDsl.Roslyn;

namespace SparseDsl.Generator.Emitters;

/// <summary>
/// Writes the network half of a language model ([Embedding], [TransformerBlock], [LayerNorm], [Unembedding]): the
/// spec as data, the block's three matrix shapes (D → D, D → H, H → D) as structs so the runtime's kernels specialize
/// on them, and a class that is the runtime's <c>TokenNetwork</c> over those shapes (the one orchestration of the
/// forward and backward passes, written out llm.c-style in src/Runtime/Training/Tokens). For the device, the same three
/// shapes get ILGPU kernels with their sizes as literals (dense, CSR and the tiles a run can take), bound to the
/// runtime's <c>DeviceTokenNetwork</c>, which drives the transformer's own kernels around them.
/// </summary>
internal static class TokenModelEmitter
{
    private const string Training = "global::SparseDsl.Training.";
    private const string Device = "global::SparseDsl.Training.Device.";

    /// <param name="target">The model as parsed.</param>
    /// <param name="gridPatterns">The patterns of the 'pattern' grid axes of the experiments naming the model.</param>
    /// <param name="gridWidths">Widths the experiments' 'width' grid axes build it at, besides the declared one.</param>
    public static string Write(ModelTarget target, EquatableArray<SparsityPatternSpec> gridPatterns, EquatableArray<int> gridWidths)
    {
        var spec = target.Spec;
        var writer = new SourceWriter().Header(spec.Name, spec.Namespace);
        LayerSpec embedding = spec.Layers[0], blocks = spec.Layers[1];
        BlockSpec block = blocks.Block!;
        int width = embedding.Units, hidden = ModelMatrices.Hidden(block, width), vocab = embedding.Embedding!.Vocab, context = embedding.Embedding.Context;
        var widths = new System.Collections.Generic.SortedSet<int>(gridWidths) { width };

        writer.Line("/// <summary>");
        writer.Line("/// " + spec.Name + ": a language model over " + vocab + " tokens, context " + context + ", width " + width + ", " + block.Count + " block(s) of "
            + block.Heads + " heads and a " + block.Mlp + " MLP of " + hidden + " (" + block.Norm + ", " + block.Positions + " positions), head "
            + (spec.Layers[3].TiedTo is null ? "untied" : "tied to " + embedding.Name) + "; loss " + spec.Loss + ".");
        writer.Line("/// </summary>");
        writer.Open(target.Accessibility + " partial class " + spec.Name + " : " + Training + "ITokenNetwork, " + Device + "IDeviceTokenNetworkSource");
        ModelEmitter.WriteSpec(writer, spec, "The declaration as data: the runtime solves each block matrix's density from it for every grid point.");
        writer.Line("private readonly " + Training + "ITokenNetwork network;");
        writer.Line();
        writer.Line("/// <summary>Builds " + spec.Name + " as declared: model sparsity " + SourceWriter.Number(spec.Sparsity) + " (" + spec.Distribution + "), seed 1.</summary>");
        writer.Line("public " + spec.Name + "()");
        writer.Line("    : this(" + Training + "NetworkOptions.Declared(Spec))");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Line("/// <summary>Builds " + spec.Name + " for one run: each block matrix's density solved for the options' sparsity and distribution, weights drawn from its seed.</summary>");
        writer.Line("public " + spec.Name + "(" + Training + "NetworkOptions options)");
        writer.Line("{");
        writer.Line("    global::System.ArgumentNullException.ThrowIfNull(options);");
        writer.Line("    network = (options.Width ?? " + width + ") switch");
        writer.Line("    {");
        foreach (int w in widths)
        {
            writer.Line("        " + w + " => new " + Training + "TokenNetwork<" + ShapeName(blocks, "Attention", w, width) + ", " + ShapeName(blocks, "Up", w, width) + ", "
                + ShapeName(blocks, "Down", w, width) + ">(Spec, options),");
        }

        string built = string.Join(", ", widths);
        writer.Line("        var other => throw new global::System.ArgumentOutOfRangeException(nameof(options), other, " + SourceWriter.Literal(
            spec.Name + " was built for width " + built + "; add the width to a 'width' grid axis of an experiment naming " + spec.Name + " and rebuild") + "),");
        writer.Line("    };");
        writer.Line("}");
        writer.Line();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var member = target.Members.FirstOrDefault(m => m.Name == spec.Layers[i].Name);
            if (member is not null)
            {
                writer.Line(member.Accessibility + " partial global::SparseDsl.Layer " + member.Name + " => network.Layers[" + i + "];");
            }
        }

        writer.Line();
        writer.Line("public int Vocab => network.Vocab;");
        writer.Line();
        writer.Line("public int Context => network.Context;");
        writer.Line();
        writer.Line("public int Width => network.Width;");
        writer.Line();
        writer.Line("public global::System.Collections.Generic.IReadOnlyList<global::SparseDsl.Layer> Layers => network.Layers;");
        writer.Line();
        writer.Line("public global::System.Collections.Generic.IReadOnlyList<" + Training + "Parameter> Parameters => network.Parameters;");
        writer.Line();
        writer.Line("/// <summary>Every block's Q, K, V, O, Up, " + (block.IsSwiGlu ? "Gate, " : "") + "Down (" + block.Count * (block.IsSwiGlu ? 7 : 6) + " matrices).</summary>");
        writer.Line("public global::System.Collections.Generic.IReadOnlyList<" + Training + "Linear> Matrices => network.Matrices;");
        writer.Line();
        writer.Line("/// <summary>Embedding and head weights, counted apart from N.</summary>");
        writer.Line("public long EmbeddingParameters => network.EmbeddingParameters;");
        writer.Line();
        writer.Line("/// <summary>x0 [" + width + ", N] = E[ids] → " + block.Count + " × block → norm → logits [" + vocab + ", N] → mean cross-entropy; backward in reverse, every gradient overwritten.</summary>");
        writer.Line("public double ForwardBackward(int[] ids, int[] targets, int sequences) => network.ForwardBackward(ids, targets, sequences);");
        writer.Line();
        writer.Line("/// <summary>The forward pass only: mean token loss and arg-max hits.</summary>");
        writer.Line("public (double Loss, long Correct) Evaluate(int[] ids, int[] targets, int sequences) => network.Evaluate(ids, targets, sequences);");
        writer.Line();
        var matrices = widths.ToDictionary(w => w, w => BlockMatrices(spec, blocks, block, w, width, gridPatterns));
        WriteCreateDeviceNetwork(writer, widths, matrices);
        foreach (int w in widths)
        {
            int h = ModelMatrices.Hidden(block, w);
            Shape(writer, ShapeName(blocks, "Attention", w, width), blocks.Name + "'s q, k, v and o projections", w, w);
            Shape(writer, ShapeName(blocks, "Up", w, width), blocks.Name + "'s MLP up" + (block.IsSwiGlu ? " and gate projections" : " projection"), w, h);
            Shape(writer, ShapeName(blocks, "Down", w, width), blocks.Name + "'s MLP down projection", h, w);
        }

        writer.Line("/// <summary>ILGPU kernels of " + spec.Name + "'s block matrices at each width (CUDA, or the ILGPU CPU emulator for checking).</summary>");
        writer.Open("public static class GpuKernels");
        bool first = true;
        foreach (var layer in matrices.Values.SelectMany(m => m))
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            ModelEmitter.WriteLayerGpuKernels(writer, layer);
        }

        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    /// <summary>
    /// The block's three matrix shapes at <paramref name="width"/> as lowered layers for the ILGPU emitter: D → D (q, k, v,
    /// o), D → H (up, gate), H → D (down), named like their shape structs. Each shape is what <see cref="ModelMatrices"/>
    /// makes its matrices: the block's own [Sparse] where its Target covers the shape's role, else the model's target
    /// (any run can make those sparse, through a grid sparsity or a schedule, in the grid's patterns), else dense.
    /// </summary>
    private static List<LoweredLayer> BlockMatrices(
        ModelSpec model, LayerSpec blocks, BlockSpec block, int width, int declared, EquatableArray<SparsityPatternSpec> gridPatterns)
    {
        int hidden = ModelMatrices.Hidden(block, width);
        var shapes = new[]
        {
            ("Attention", width, width, MatrixRole.Attention), ("Up", width, hidden, MatrixRole.Mlp), ("Down", hidden, width, MatrixRole.Mlp),
        };
        var layers = new List<LoweredLayer>();
        foreach (var (part, inputs, outputs, role) in shapes)
        {
            string name = ShapeName(blocks, part, width, declared).Replace("Shape", "");
            var (own, followsModel) = ModelMatrices.Reach(model, blocks, role);
            var spec = blocks with
            {
                Name = name,
                Kind = LayerKind.Dense,
                Units = outputs,
                Activation = Activation.None,
                KeepDense = !own && !followsModel,
                Pattern = own ? blocks.Pattern : null,
                Sparsity = own ? blocks.Sparsity : null,
                PatternText = own ? blocks.PatternText : null,
            };
            var shape = new LayerShape(name, LayerKind.Dense, inputs, outputs);
            var mayBeSparse = spec.KeepDense
                ? new LayerDensity(name, inputs, outputs, 1.0, DensitySource.KeepDense)
                : new LayerDensity(name, inputs, outputs, 0.5, DensitySource.Target); // a stand-in: sparse in some run
            layers.Add(new LoweredLayer(spec, layers.Count, shape, mayBeSparse, LayerTiles.Of(spec, shape, gridPatterns)));
        }

        return layers;
    }

    /// <summary>
    /// <c>CreateDeviceNetwork</c>: the network's current parameters put on an accelerator with the kernels of its width,
    /// in the order <c>DeviceTokenNetwork.Create</c> takes them (D → D, D → H, H → D).
    /// </summary>
    private static void WriteCreateDeviceNetwork(SourceWriter writer, IEnumerable<int> widths, Dictionary<int, List<LoweredLayer>> matrices)
    {
        writer.Line("/// <summary>This network's current parameters copied into device buffers on <paramref name=\"accelerator\"/>, its block matrices run by <see cref=\"GpuKernels\"/>.</summary>");
        writer.Open("public " + Device + "DeviceTokenNetwork CreateDeviceNetwork(global::ILGPU.Runtime.Accelerator accelerator)");
        writer.Line(Device + "LayerKernels[] kernels = network.Width switch");
        writer.Line("{");
        foreach (int w in widths)
        {
            writer.Line("    " + w + " => new " + Device + "LayerKernels[]");
            writer.Line("    {");
            foreach (var layer in matrices[w])
            {
                writer.Indent(1, () => ModelEmitter.WriteLayerKernelsEntry(writer, layer));
            }

            writer.Line("    },");
        }

        writer.Line("    var other => throw new global::System.InvalidOperationException(\"no device kernels for width \" + other),");
        writer.Line("};");
        writer.Line("return " + Device + "DeviceTokenNetwork.Create(accelerator, network, kernels);");
        writer.Close();
        writer.Line();
    }

    /// <summary><c>BlocksAttentionShape</c> at the declared width, <c>BlocksAttentionShape256</c> at a grid width.</summary>
    private static string ShapeName(LayerSpec blocks, string part, int width, int declared) =>
        blocks.Name + part + "Shape" + (width == declared ? "" : width.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void Shape(SourceWriter writer, string name, string what, int inputs, int outputs)
    {
        writer.Line("/// <summary>" + what + ": " + inputs + " → " + outputs + "; the runtime's kernels specialize on these constants.</summary>");
        writer.Open("public readonly struct " + name + " : global::SparseDsl.Kernels.ILayerShape");
        writer.Line("public static int In => " + SourceWriter.Number(inputs) + ";");
        writer.Line();
        writer.Line("public static int Out => " + SourceWriter.Number(outputs) + ";");
        writer.Close();
        writer.Line();
    }
}
