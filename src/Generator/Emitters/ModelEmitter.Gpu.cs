using SparseDsl.Generator.Lowering;
using SparseDsl.Language;

namespace SparseDsl.Generator.Emitters;

/// <summary>
/// The ILGPU dialect: one static kernel per layer, storage and pass, printed with the layer's sizes as literal
/// constants (what a GPU compiler needs); dense and CSR here, block-CSR in ModelEmitter.GpuBlocks.cs. Activations are
/// feature-major [features, batch] as on the CPU.
/// ILGPU numbers threads along an index's X first, so every kernel that writes a [features, batch] array takes the
/// batch entry as X: neighbouring threads then read and write neighbouring floats (coalesced on a GPU) and share one
/// weight row (a broadcast). The dense weight gradient takes the input column as X for the same reason on dW.
/// </summary>
internal static partial class ModelEmitter
{
    private const string View = "global::ILGPU.ArrayView<float>";
    private const string IntView = "global::ILGPU.ArrayView<int>";

    private static void WriteGpuKernels(SourceWriter writer, LoweredModel model)
    {
        writer.Line("/// <summary>ILGPU kernels of " + model.Spec.Name + " (CUDA, or the ILGPU CPU emulator for checking).</summary>");
        writer.Open("public static class GpuKernels");
        bool first = true;
        foreach (var layer in model.Layers)
        {
            if (!layer.HasWeights)
            {
                continue;
            }

            if (!first)
            {
                writer.Line();
            }

            first = false;
            WriteLayerGpuKernels(writer, layer);
        }

        writer.Close();
    }

    /// <summary>One weight layer's kernels: its activation's backward, the bias gradient, and each storage it can take.</summary>
    internal static void WriteLayerGpuKernels(SourceWriter writer, LoweredLayer layer)
    {
        if (layer.Spec.Activation != Activation.None)
        {
            WriteActivationBackward(writer, layer);
            writer.Line();
        }

        WriteBiasGradient(writer, layer);
        if (layer.CanBeDense)
        {
            writer.Line();
            WriteDenseKernels(writer, layer);
        }

        if (layer.CanBeCsr)
        {
            writer.Line();
            WriteSparseKernels(writer, layer);
        }

        foreach (var tile in layer.Tiles)
        {
            writer.Line();
            WriteBlockKernels(writer, layer, tile);
        }
    }

    /// <summary>
    /// Binds the kernels below to the runtime's device network: per layer the storage sets it can need (the CPU
    /// network decides dense, CSR or block-CSR at run time from the solved density and the run's pattern), as method
    /// groups, so nothing is looked up by name.
    /// </summary>
    private static void WriteCreateDeviceNetwork(SourceWriter writer, System.Collections.Generic.List<LoweredLayer> layers)
    {
        writer.Line("/// <summary>This network's current parameters copied into device buffers on <paramref name=\"accelerator\"/>, run by <see cref=\"GpuKernels\"/>.</summary>");
        writer.Open("public " + Device + "DeviceNetwork CreateDeviceNetwork(global::ILGPU.Runtime.Accelerator accelerator)");
        writer.Line("var kernels = new " + Device + "LayerKernels[]");
        writer.Line("{");
        foreach (var layer in layers)
        {
            WriteLayerKernelsEntry(writer, layer);
        }

        writer.Line("};");
        writer.Line("return new " + Device + "DeviceNetwork(accelerator, this, kernels);");
        writer.Close();
        writer.Line();
    }

    /// <summary>One <c>LayerKernels</c> element of a <c>new LayerKernels[] { … }</c>: the layer's storage sets as method groups.</summary>
    internal static void WriteLayerKernelsEntry(SourceWriter writer, LoweredLayer layer)
    {
        string n = "GpuKernels." + layer.Name;
        string activation = layer.Spec.Activation == Activation.None ? "null" : n + "ActivationBackward";
        string dense = layer.CanBeDense
            ? "new " + Device + "DenseKernelSet(" + n + "DenseForward, " + n + "DenseWeightGradient, " + n + "DenseInputGradient)"
            : "null";
        string sparse = layer.CanBeCsr
            ? "new " + Device + "SparseKernelSet(" + n + "SparseForward, " + n + "SparseWeightGradient, " + n + "SparseInputGradient)"
            : "null";
        writer.Line("    new(" + SourceWriter.Literal(layer.Name) + ", " + n + "BiasGradient, " + activation + ",");
        writer.Line("        " + dense + ",");
        writer.Line("        " + sparse + ",");
        WriteBlockKernelSets(writer, layer);
    }

    private static void WriteDenseKernels(SourceWriter writer, LoweredLayer layer)
    {
        string n = layer.Name;
        string inputs = SourceWriter.Number(layer.In);
        string outputs = SourceWriter.Number(layer.Out);

        writer.Line("// " + n + " (dense " + inputs + " → " + outputs + "): y[o,b] = " + ActivationMath(layer.Spec.Activation, "Σ_i w[o,i]·x[i,b] + bias[o]") + "; index (b, o) over [batch, " + outputs + "]");
        writer.Open("public static void " + n + "DenseForward(global::ILGPU.Index2D index, " + View + " w, " + View + " bias, " + View + " x, " + View + " y, int batch)");
        writer.Line("int b = index.X;");
        writer.Line("int o = index.Y;");
        writer.Line("float sum = bias[o];");
        writer.Open("for (int i = 0; i < " + inputs + "; i++)");
        writer.Line("sum += w[o * " + inputs + " + i] * x[i * batch + b];");
        writer.Close();
        writer.Line("y[o * batch + b] = " + ActivationExpression(layer.Spec.Activation, "sum") + ";");
        writer.Close();
        writer.Line();

        writer.Line("// " + n + " (dense): dW[o,i] = Σ_b dz[o,b]·x[i,b]; index (i, o) over [" + inputs + ", " + outputs + "]");
        writer.Open("public static void " + n + "DenseWeightGradient(global::ILGPU.Index2D index, " + View + " dz, " + View + " x, " + View + " dw, int batch)");
        writer.Line("int i = index.X;");
        writer.Line("int o = index.Y;");
        writer.Line("float sum = 0f;");
        writer.Open("for (int b = 0; b < batch; b++)");
        writer.Line("sum += dz[o * batch + b] * x[i * batch + b];");
        writer.Close();
        writer.Line("dw[o * " + inputs + " + i] = sum;");
        writer.Close();
        writer.Line();

        writer.Line("// " + n + " (dense): dx[i,b] = Σ_o w[o,i]·dz[o,b]; index (b, i) over [batch, " + inputs + "]");
        writer.Open("public static void " + n + "DenseInputGradient(global::ILGPU.Index2D index, " + View + " w, " + View + " dz, " + View + " dx, int batch)");
        writer.Line("int b = index.X;");
        writer.Line("int i = index.Y;");
        writer.Line("float sum = 0f;");
        writer.Open("for (int o = 0; o < " + outputs + "; o++)");
        writer.Line("sum += w[o * " + inputs + " + i] * dz[o * batch + b];");
        writer.Close();
        writer.Line("dx[i * batch + b] = sum;");
        writer.Close();
    }

    private static void WriteSparseKernels(SourceWriter writer, LoweredLayer layer)
    {
        string n = layer.Name;
        string outputs = SourceWriter.Number(layer.Out);
        string inputs = SourceWriter.Number(layer.In);

        writer.Line("// " + n + " (CSR " + inputs + " → " + outputs + "): y[o,b] = " + ActivationMath(layer.Spec.Activation, "Σ_k values[k]·x[col[k],b] + bias[o]") + " over row o's active weights; index (b, o) over [batch, " + outputs + "]");
        writer.Open("public static void " + n + "SparseForward(global::ILGPU.Index2D index, " + IntView + " rowStart, " + IntView + " column, " + View + " values, " + View + " bias, " + View + " x, " + View + " y, int batch)");
        writer.Line("int b = index.X;");
        writer.Line("int o = index.Y;");
        writer.Line("float sum = bias[o];");
        writer.Open("for (int k = rowStart[o]; k < rowStart[o + 1]; k++)");
        writer.Line("sum += values[k] * x[column[k] * batch + b];");
        writer.Close();
        writer.Line("y[o * batch + b] = " + ActivationExpression(layer.Spec.Activation, "sum") + ";");
        writer.Close();
        writer.Line();

        writer.Line("// " + n + " (CSR): dValues[k] = Σ_b dz[row[k],b]·x[col[k],b], only at active positions; index k over the stored values");
        writer.Open("public static void " + n + "SparseWeightGradient(global::ILGPU.Index1D k, " + IntView + " row, " + IntView + " column, " + View + " dz, " + View + " x, " + View + " dValues, int batch)");
        writer.Line("int o = row[k];");
        writer.Line("int i = column[k];");
        writer.Line("float sum = 0f;");
        writer.Open("for (int b = 0; b < batch; b++)");
        writer.Line("sum += dz[o * batch + b] * x[i * batch + b];");
        writer.Close();
        writer.Line("dValues[k] = sum;");
        writer.Close();
        writer.Line();

        writer.Line("// " + n + " (CSR): dx[i,b] = Σ_{k in column i} values[k]·dz[row[k],b], through the transpose; index (b, i) over [batch, " + inputs + "]");
        writer.Open("public static void " + n + "SparseInputGradient(global::ILGPU.Index2D index, " + IntView + " columnStart, " + IntView + " transposedRow, " + IntView + " transposedValue, " + View + " values, " + View + " dz, " + View + " dx, int batch)");
        writer.Line("int b = index.X;");
        writer.Line("int i = index.Y;");
        writer.Line("float sum = 0f;");
        writer.Open("for (int t = columnStart[i]; t < columnStart[i + 1]; t++)");
        writer.Line("sum += values[transposedValue[t]] * dz[transposedRow[t] * batch + b];");
        writer.Close();
        writer.Line("dx[i * batch + b] = sum;");
        writer.Close();
    }

    private static void WriteActivationBackward(SourceWriter writer, LoweredLayer layer)
    {
        string n = layer.Name;
        writer.Line("// " + n + ": dz = dy ⊙ " + layer.Spec.Activation.ToString().ToLowerInvariant() + "'(y), in place, from the activated output y; index j over [" + SourceWriter.Number(layer.Out) + " · batch]");
        writer.Open("public static void " + n + "ActivationBackward(global::ILGPU.Index1D j, " + View + " y, " + View + " dy)");
        writer.Line(layer.Spec.Activation switch
        {
            Activation.Relu => "dy[j] = y[j] > 0f ? dy[j] : 0f;",
            Activation.Tanh => "dy[j] = dy[j] * (1f - y[j] * y[j]);",
            _ => "dy[j] = dy[j] * y[j] * (1f - y[j]);",
        });
        writer.Close();
    }

    private static void WriteBiasGradient(SourceWriter writer, LoweredLayer layer)
    {
        writer.Line("// " + layer.Name + ": db[o] = Σ_b dz[o,b]; index o over [" + SourceWriter.Number(layer.Out) + "]");
        writer.Open("public static void " + layer.Name + "BiasGradient(global::ILGPU.Index1D o, " + View + " dz, " + View + " db, int batch)");
        writer.Line("float sum = 0f;");
        writer.Open("for (int b = 0; b < batch; b++)");
        writer.Line("sum += dz[o * batch + b];");
        writer.Close();
        writer.Line("db[o] = sum;");
        writer.Close();
    }

    private static string ActivationExpression(Activation activation, string value) => activation switch
    {
        Activation.Relu => value + " > 0f ? " + value + " : 0f",
        Activation.Tanh => "global::ILGPU.Algorithms.XMath.Tanh(" + value + ")",
        Activation.Sigmoid => "1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-" + value + "))",
        _ => value,
    };
}
