using System.Globalization;
using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- blocks [--reps N]</c>: block-CSR layers (<see cref="BlockCsrFormat"/>) against our dense kernels on the same
/// shape, forward + backward with dX, batch 128, interleaved in one process; each row also splits the block layer's time
/// into forward, dW + db, and dX. The example's hidden layers are 784→1000 and 1000→1000; 1000 is not a multiple of 16,
/// so 16 × 16 tiles run at the nearest shapes they divide (784→1008, 1008→1008: 784 = 49·16, 1008 = 63·16), and 8 × 8
/// tiles (which divide 1000) at the example's own shapes. <see cref="KernelStudy"/> prints the same rows in its table.
/// </summary>
internal static class BlockStudy
{
    private const int Batch = 128;

    internal static int Run(string[] args)
    {
        int reps = Timing.Repetitions(args, 21);
        var table = new List<string>
        {
            "| measurement | ours | reference | ratio |",
            "|---|---|---|---|",
        };
        Rows(reps, table, split: true);
        foreach (string line in table)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    /// <summary>The block rows: 16 × 16 and 8 × 8 tiles at 90 % and 95 % sparsity on both hidden-layer shapes.</summary>
    internal static void Rows(int reps, List<string> table, bool split)
    {
        foreach (double sparsity in new[] { 0.9, 0.95 })
        {
            Layer<Hidden1Block16Shape>(reps, 16, 16, sparsity, split, table);
            Layer<Hidden2Block16Shape>(reps, 16, 16, sparsity, split, table);
            Layer<Hidden1Shape>(reps, 8, 8, sparsity, split, table);
            Layer<Hidden2Shape>(reps, 8, 8, sparsity, split, table);
        }
    }

    private static void Layer<T>(int reps, int tileRows, int tileCols, double sparsity, bool split, List<string> table)
        where T : ILayerShape
    {
        int i = T.In, o = T.Out;
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.Block, tileRows, tileCols), o, i);
        int tiles = (int)Math.Round((1 - sparsity) * layout.UnitCount);
        var random = new Random(7);
        int[] units = [.. Enumerable.Range(0, layout.UnitCount).OrderBy(_ => random.Next()).Take(tiles).Order()];
        var block = (BlockCsrFormat)WeightFormats.Create(layout, units, KernelStudy.Random(tiles * layout.UnitSize, 8));
        float[] w = block.ToDense(), bias = KernelStudy.Random(o, 4), x = KernelStudy.Random(i * Batch, 5), dy = KernelStudy.Random(o * Batch, 6);
        float[] y = new float[o * Batch], dW = new float[o * i], db = new float[o], dx = new float[i * Batch];
        float[] y2 = new float[o * Batch], dValues = new float[block.StoredValues], db2 = new float[o], dx2 = new float[i * Batch];
        var contenders = new List<Action>
        {
            () =>
            {
                block.Forward<T>(bias, x, y2, Batch);
                block.Backward<T>(x, dy, dValues, db2, dx2, Batch);
            },
            () =>
            {
                DenseKernels.Forward<T>(w, bias, x, y, Batch);
                DenseKernels.Backward<T>(w, x, dy, dW, db, dx, Batch);
            },
        };
        if (split)
        {
            contenders.Add(() => block.Forward<T>(bias, x, y2, Batch));
            contenders.Add(() => block.Backward<T>(x, dy, dValues, db2, null, Batch));
            contenders.Add(() => block.Backward<T>(x, dy, dValues, db2, dx2, Batch));
        }

        (double[] t, double[] ratio) = Timing.Interleaved(reps * 3, [.. contenders]);
        double flops = 3 * 2.0 * block.StoredValues * Batch;
        string parts = split
            ? $" (fwd {F(t[2] * 1e3, "F3")}, dW+db {F(t[3] * 1e3, "F3")}, dX {F((t[4] - t[3]) * 1e3, "F3")} ms)"
            : "";
        table.Add($"| block {tileRows}x{tileCols} {i}→{o} at {F(100 * sparsity, "F0")}% sparsity fwd+bwd | {F(t[0] * 1e3, "F3")} ms " +
            $"({F(flops / t[0] / 1e9)} GFLOP/s){parts} | our dense {F(t[1] * 1e3, "F3")} ms | {F(ratio[1], "F2")}× faster than our dense |");
        KernelStudy.CheckSame(y, y2, $"block {i}→{o} y");
        KernelStudy.CheckSame(dx, dx2, $"block {i}→{o} dx");
        KernelStudy.CheckSame(BlockGradient(block, dW), dValues, $"block {i}→{o} dW");
    }

    /// <summary>The dense gradient at the block format's stored positions, in its storage order.</summary>
    private static float[] BlockGradient(BlockCsrFormat block, float[] dense)
    {
        var stored = new float[block.StoredValues];
        int[] units = block.ActiveUnits();
        for (int k = 0; k < units.Length; k++)
        {
            int br = units[k] / block.BlockCols, bc = units[k] % block.BlockCols;
            for (int r = 0; r < block.TileRows; r++)
            {
                Array.Copy(dense, (br * block.TileRows + r) * block.Cols + bc * block.TileCols, stored, k * block.TileSize + r * block.TileCols, block.TileCols);
            }
        }

        return stored;
    }

    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
}
