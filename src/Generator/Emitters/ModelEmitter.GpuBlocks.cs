using SparseDsl.Generator.Lowering;
using SparseDsl.Language;

namespace SparseDsl.Generator.Emitters;

/// <summary>
/// The ILGPU dialect of block-CSR layers (block R×C and rows, a row being a 1 × In tile): one kernel set per tile shape
/// the layer can take, with R, C, R·C and the layer's sizes printed as literals. The layout is the runtime's
/// <c>BlockCsrFormat</c>: tile k of block-row br holds its R·C weights row-major at values[k·R·C ..], its block-column
/// is blockColumn[k]; dX gathers per block-column through the tile transpose map, so no thread writes another's output
/// (no atomics, and the sums come out in one order every run).
/// </summary>
internal static partial class ModelEmitter
{
    /// <summary>The kernel-name part of a tile: <c>Rows</c> for a layer's 1 × In tile, else <c>Block8x8</c>.</summary>
    internal static string TileName(LoweredLayer layer, TileShape tile) =>
        tile.Rows == 1 && tile.Cols == layer.In ? "Rows" : "Block" + SourceWriter.Number(tile.Rows) + "x" + SourceWriter.Number(tile.Cols);

    /// <summary>The last argument of the layer's <c>LayerKernels</c>: a <c>BlockKernelSet</c> per tile, or null when it has none.</summary>
    private static void WriteBlockKernelSets(SourceWriter writer, LoweredLayer layer)
    {
        if (layer.Tiles.Count == 0)
        {
            writer.Line("        null),");
            return;
        }

        writer.Line("        new " + Device + "BlockKernelSet[]");
        writer.Line("        {");
        foreach (var tile in layer.Tiles)
        {
            string n = "GpuKernels." + layer.Name + TileName(layer, tile);
            writer.Line("            new(" + SourceWriter.Number(tile.Rows) + ", " + SourceWriter.Number(tile.Cols) + ", "
                + n + "Forward, " + n + "WeightGradient, " + n + "InputGradient),");
        }

        writer.Line("        }),");
    }

    /// <summary>
    /// Forward, weight gradient and input gradient of one tile shape. A tile one row high (rows, block 1×C) has no row
    /// inside it, and a tile as wide as the layer (rows) has one block-column, block-column 0: the kernels then say so
    /// instead of dividing by 1 or multiplying by 0.
    /// </summary>
    private static void WriteBlockKernels(SourceWriter writer, LoweredLayer layer, TileShape tile)
    {
        string n = layer.Name + TileName(layer, tile);
        string inputs = SourceWriter.Number(layer.In);
        string outputs = SourceWriter.Number(layer.Out);
        string r = SourceWriter.Number(tile.Rows);
        string c = SourceWriter.Number(tile.Cols);
        string size = SourceWriter.Number(tile.Rows * tile.Cols);
        bool oneRow = tile.Rows == 1;
        bool oneColumn = tile.Cols == layer.In;
        string what = oneRow && oneColumn ? "rows: 1×" + c + " tiles, a whole row each" : r + "×" + c + " tiles";

        // Forward.
        string blockRow = oneRow ? "o" : "tileRow";
        string rowOfTile = oneRow ? "k·" + size : "k·" + size + " + (o%" + r + ")·" + c;
        string inputOf = oneColumn ? "c" : "blockColumn[k]·" + c + " + c";
        writer.Line("// " + n + " (block-CSR, " + what + ", " + inputs + " → " + outputs + "): y[o,b] = "
            + ActivationMath(layer.Spec.Activation, "Σ_{tiles k of block-row " + (oneRow ? "o" : "o/" + r) + "} Σ_c values[" + rowOfTile + " + c]·x[" + inputOf + ", b] + bias[o]")
            + "; index (b, o) over [batch, " + outputs + "]");
        writer.Open("public static void " + n + "Forward(global::ILGPU.Index2D index, " + IntView + " blockRowStart, " + IntView + " blockColumn, " + View + " values, " + View + " bias, " + View + " x, " + View + " y, int batch)");
        writer.Line("int b = index.X;");
        writer.Line("int o = index.Y;");
        if (!oneRow)
        {
            writer.Line("int tileRow = o / " + r + ";");
            writer.Line("int r = o - tileRow * " + r + "; // o's row inside the tiles of its block-row");
        }

        writer.Line("float sum = bias[o];");
        writer.Open("for (int k = blockRowStart[" + blockRow + "]; k < blockRowStart[" + blockRow + " + 1]; k++)");
        writer.Line(oneRow ? "int row = k * " + size + "; // tile k" : "int row = k * " + size + " + r * " + c + "; // row r of tile k");
        if (!oneColumn)
        {
            writer.Line("int first = blockColumn[k] * " + c + "; // the tile's first input");
        }

        writer.Open("for (int c = 0; c < " + c + "; c++)");
        writer.Line("sum += values[row + c] * x[" + (oneColumn ? "c" : "(first + c)") + " * batch + b];");
        writer.Close();
        writer.Close();
        writer.Line("y[o * batch + b] = " + ActivationExpression(layer.Spec.Activation, "sum") + ";");
        writer.Close();
        writer.Line();

        // Weight gradient.
        string valueOf = oneRow ? "k·" + size + " + c" : "k·" + size + " + r·" + c + " + c";
        string outputOf = oneRow ? "tileRow[k]" : "tileRow[k]·" + r + " + r";
        writer.Line("// " + n + " (block-CSR): dValues[" + valueOf + "] = Σ_b dz[" + outputOf + ", b]·x[" + inputOf + ", b], only the stored tiles; index t over the stored values");
        writer.Open("public static void " + n + "WeightGradient(global::ILGPU.Index1D t, " + IntView + " tileRow, " + IntView + " blockColumn, " + View + " dz, " + View + " x, " + View + " dValues, int batch)");
        writer.Line("int k = t / " + size + "; // the stored tile");
        if (oneRow)
        {
            writer.Line("int c = t - k * " + size + ";");
            writer.Line("int o = tileRow[k];");
        }
        else
        {
            writer.Line("int inside = t - k * " + size + "; // row-major inside tile k");
            writer.Line("int r = inside / " + c + ";");
            writer.Line("int c = inside - r * " + c + ";");
            writer.Line("int o = tileRow[k] * " + r + " + r;");
        }

        writer.Line(oneColumn ? "int i = c;" : "int i = blockColumn[k] * " + c + " + c;");
        writer.Line("float sum = 0f;");
        writer.Open("for (int b = 0; b < batch; b++)");
        writer.Line("sum += dz[o * batch + b] * x[i * batch + b];");
        writer.Close();
        writer.Line("dValues[t] = sum;");
        writer.Close();
        writer.Line();

        // Input gradient.
        string blockColumn = oneColumn ? "0" : "tileColumn";
        string column = oneColumn ? "i" : "i%" + c;
        string transposed = oneRow
            ? "Σ_{tiles k of block-column " + (oneColumn ? "0" : "i/" + c) + "} values[k·" + size + " + " + column + "]·dz[blockRow(k), b]"
            : "Σ_{tiles k of block-column " + (oneColumn ? "0" : "i/" + c) + "} Σ_r values[k·" + size + " + r·" + c + " + " + column + "]·dz[blockRow(k)·" + r + " + r, b]";
        writer.Line("// " + n + " (block-CSR): dx[i,b] = " + transposed + ", through the tile transpose map; index (b, i) over [batch, " + inputs + "]");
        writer.Open("public static void " + n + "InputGradient(global::ILGPU.Index2D index, " + IntView + " blockColumnStart, " + IntView + " transposedBlockRow, " + IntView + " transposedTile, " + View + " values, " + View + " dz, " + View + " dx, int batch)");
        writer.Line("int b = index.X;");
        writer.Line("int i = index.Y;");
        if (oneColumn)
        {
            writer.Line("int c = i; // every tile spans all " + inputs + " inputs");
        }
        else
        {
            writer.Line("int tileColumn = i / " + c + ";");
            writer.Line("int c = i - tileColumn * " + c + "; // i's column inside the tiles of its block-column");
        }

        writer.Line("float sum = 0f;");
        writer.Open("for (int t = blockColumnStart[" + blockColumn + "]; t < blockColumnStart[" + blockColumn + " + 1]; t++)");
        if (oneRow)
        {
            writer.Line("sum += values[transposedTile[t] * " + size + " + c] * dz[transposedBlockRow[t] * batch + b];");
        }
        else
        {
            writer.Line("int column = transposedTile[t] * " + size + " + c; // column c of the tile, its row 0");
            writer.Line("int first = transposedBlockRow[t] * " + r + "; // the tile's first output");
            writer.Open("for (int r = 0; r < " + r + "; r++)");
            writer.Line("sum += values[column + r * " + c + "] * dz[(first + r) * batch + b];");
            writer.Close();
        }

        writer.Close();
        writer.Line("dx[i * batch + b] = sum;");
        writer.Close();
    }
}
