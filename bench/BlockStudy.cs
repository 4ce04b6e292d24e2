using System.Globalization;
using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Sparse;

namespace SparseDsl.Bench;

/// <summary>
/// <c>-- blocks [--reps N] [--n-of-m]</c> (only the 2:4 rows): block-CSR layers (<see cref="BlockCsrFormat"/>) and 2:4 layers against our dense kernels on the same
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
        if (args.Contains("--n-of-m"))
        {
            NOfM<Hidden1Shape>(reps, 2, 4, split: true, table);
            NOfM<Hidden2Shape>(reps, 2, 4, split: true, table);
        }
        else
        {
            Rows(reps, table, split: true);
        }

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

        NOfM<Hidden1Shape>(reps, 2, 4, split, table);
        NOfM<Hidden2Shape>(reps, 2, 4, split, table);
    }

    private static void Layer<T>(int reps, int tileRows, int tileCols, double sparsity, bool split, List<string> table)
        where T : ILayerShape
    {
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.Block, tileRows, tileCols), T.Out, T.In);
        int tiles = (int)Math.Round((1 - sparsity) * layout.UnitCount);
        var random = new Random(7);
        int[] units = [.. Enumerable.Range(0, layout.UnitCount).OrderBy(_ => random.Next()).Take(tiles).Order()];
        Compare<T>(reps, layout, units, $"block {tileRows}x{tileCols} {T.In}→{T.Out} at {F(100 * sparsity, "F0")}% sparsity", split, table);
    }

    /// <summary>An N:M layer: in every group of <paramref name="m"/> inputs of a row, <paramref name="n"/> drawn at random are active.</summary>
    private static void NOfM<T>(int reps, int n, int m, bool split, List<string> table)
        where T : ILayerShape
    {
        var layout = UnitLayout.For(new SparsityPatternSpec(PatternKind.NOfM, N: n, M: m), T.Out, T.In);
        var random = new Random(7);
        int[] units = [.. Enumerable.Range(0, layout.GroupCount)
            .SelectMany(g => Enumerable.Range(g * m, m).OrderBy(_ => random.Next()).Take(n))
            .Order()];
        Compare<T>(reps, layout, units, $"{n}:{m} {T.In}→{T.Out}", split, table);
        Compare<T>(reps, layout, units, $"{n}:{m} {T.In}→{T.Out} as CSR", split, table, (l, u, v) => CsrFormat.FromUnits(l, u, v));
    }

    /// <summary>The pattern's format (as <see cref="WeightFormats"/> picks it, or <paramref name="create"/>) against our dense kernels on the same weights.</summary>
    private static void Compare<T>(
        int reps, UnitLayout layout, int[] units, string label, bool split, List<string> table, Func<UnitLayout, int[], float[], WeightFormat>? create = null)
        where T : ILayerShape
    {
        int i = T.In, o = T.Out;
        var block = (create ?? ((l, u, v) => WeightFormats.Create(l, u, v)))(layout, units, KernelStudy.Random(units.Length * layout.UnitSize, 8));
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
        table.Add($"| {label} ({block.GetType().Name}) fwd+bwd | {F(t[0] * 1e3, "F3")} ms " +
            $"({F(flops / t[0] / 1e9)} GFLOP/s){parts} | our dense {F(t[1] * 1e3, "F3")} ms | {F(ratio[1], "F2")}× faster than our dense |");
        KernelStudy.CheckSame(y, y2, $"{label} y");
        KernelStudy.CheckSame(dx, dx2, $"{label} dx");
        KernelStudy.CheckSame(StoredGradient(block, dW), dValues, $"{label} dW");
    }

    /// <summary>The dense gradient at the format's stored positions, in its storage order (units ascending, row-major inside each).</summary>
    private static float[] StoredGradient(WeightFormat format, float[] dense)
    {
        UnitLayout layout = format.Layout;
        var stored = new float[format.StoredValues];
        int[] units = format.ActiveUnits();
        for (int k = 0; k < units.Length; k++)
        {
            int ur = units[k] / layout.UnitCols, uc = units[k] % layout.UnitCols;
            for (int r = 0; r < layout.UnitHeight; r++)
            {
                Array.Copy(dense, (ur * layout.UnitHeight + r) * layout.Cols + uc * layout.UnitWidth, stored, k * layout.UnitSize + r * layout.UnitWidth, layout.UnitWidth);
            }
        }

        return stored;
    }

    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
}
