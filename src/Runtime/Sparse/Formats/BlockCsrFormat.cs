using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>
/// Block sparsity: whole R × C tiles (the layout's units) stored in block-CSR. Tile (br, bc) covers rows
/// [br·R, br·R + R) and columns [bc·C, bc·C + C); block-row br's tiles are positions [BlockRowPtr[br], BlockRowPtr[br+1])
/// of <see cref="BlockColIdx"/>, in ascending block-column, and the tile stored k-th holds its R·C weights row-major at
/// <c>Values[k·R·C ..]</c> (units in ascending order, each whole: the layout's rule). A transpose map lists, per
/// block-column, the tiles touching it in block-row order, so dX is a gather per block-column with no atomics.
/// Kernels: <see cref="BlockCsrKernels"/>, specialized on the tile size once, when the format is built.
/// </summary>
public sealed class BlockCsrFormat : WeightFormat
{
    /// <summary>A format over the given block-CSR arrays (taken, not copied); <paramref name="values"/> become its stored values.</summary>
    /// <param name="layout">The tile layout (units of UnitHeight × UnitWidth, no groups).</param>
    /// <param name="blockRowPtr">Length BlockRows + 1, non-decreasing, from 0 to the tile count.</param>
    /// <param name="blockColIdx">Block-column of each stored tile; strictly increasing within a block-row, in [0, BlockCols).</param>
    /// <param name="values">TileSize values per stored tile, tile by tile, row-major inside.</param>
    public BlockCsrFormat(UnitLayout layout, int[] blockRowPtr, int[] blockColIdx, float[] values)
        : base(layout, values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(blockRowPtr);
        ArgumentNullException.ThrowIfNull(blockColIdx);
        ArgumentNullException.ThrowIfNull(values);
        if (layout.HasGroups || layout.UnitHeight <= 0 || layout.UnitWidth <= 0
            || layout.Rows % layout.UnitHeight != 0 || layout.Cols % layout.UnitWidth != 0)
        {
            throw new ArgumentException($"block-CSR needs tiles that divide the weight and no groups; got {layout}", nameof(layout));
        }

        int blockRows = layout.UnitRows, blockCols = layout.UnitCols;
        if (blockRowPtr.Length != blockRows + 1 || blockRowPtr[0] != 0 || blockRowPtr[blockRows] != blockColIdx.Length)
        {
            throw new ArgumentException($"blockRowPtr must have {blockRows + 1} entries from 0 to the tile count {blockColIdx.Length}.", nameof(blockRowPtr));
        }

        for (int br = 0; br < blockRows; br++)
        {
            if (blockRowPtr[br + 1] < blockRowPtr[br])
            {
                throw new ArgumentException($"blockRowPtr decreases at block-row {br}.", nameof(blockRowPtr));
            }

            for (int k = blockRowPtr[br]; k < blockRowPtr[br + 1]; k++)
            {
                int bc = blockColIdx[k];
                if ((uint)bc >= (uint)blockCols || (k > blockRowPtr[br] && bc <= blockColIdx[k - 1]))
                {
                    throw new ArgumentException($"Block-row {br}: block-columns must be strictly increasing in [0, {blockCols}); found {bc}.", nameof(blockColIdx));
                }
            }
        }

        if (values.Length != (long)blockColIdx.Length * layout.UnitSize)
        {
            throw new ArgumentException($"{blockColIdx.Length} tiles of {layout.UnitSize} weights need {(long)blockColIdx.Length * layout.UnitSize} values, not {values.Length}", nameof(values));
        }

        BlockRowPtr = blockRowPtr;
        BlockColIdx = blockColIdx;
        (TransposePtr, TransposeBlockRows, TransposeTiles) = Transpose(blockRowPtr, blockColIdx, blockCols);
        Kernels = BlockTileKernels.For(layout.UnitHeight, layout.UnitWidth);
    }

    /// <summary>R: rows of a tile (outputs).</summary>
    public int TileRows => Layout.UnitHeight;

    /// <summary>C: columns of a tile (inputs).</summary>
    public int TileCols => Layout.UnitWidth;

    /// <summary>R·C: values per stored tile.</summary>
    public int TileSize => Layout.UnitSize;

    /// <summary>Rows / R.</summary>
    public int BlockRows => Layout.UnitRows;

    /// <summary>Cols / C.</summary>
    public int BlockCols => Layout.UnitCols;

    /// <summary>Number of stored tiles.</summary>
    public int Tiles => BlockColIdx.Length;

    /// <summary>Block-row br's tiles are positions [BlockRowPtr[br], BlockRowPtr[br+1]).</summary>
    public int[] BlockRowPtr { get; }

    /// <summary>Block-column of each stored tile; ascending within a block-row.</summary>
    public int[] BlockColIdx { get; }

    /// <summary>Transpose map: block-column bc is touched by entries [TransposePtr[bc], TransposePtr[bc+1]) of the two arrays below.</summary>
    public int[] TransposePtr { get; }

    /// <summary>Transpose map: the block-row of each entry (ascending within a block-column).</summary>
    public int[] TransposeBlockRows { get; }

    /// <summary>Transpose map: the storage rank of each entry's tile (its values start at rank·TileSize).</summary>
    public int[] TransposeTiles { get; }

    /// <summary>The kernels specialized on this format's tile size.</summary>
    internal BlockTileKernels Kernels { get; }

    /// <summary>
    /// Never: even with every tile active the values are tile-major, not the row-major order the dense kernels (and the
    /// device's dense path) read.
    /// </summary>
    public override bool IsDense => false;

    /// <summary>Unit = tile number <c>br·BlockCols + bc</c>: block-CSR order is ascending unit order.</summary>
    public override void WriteActiveUnits(Span<int> units)
    {
        for (int br = 0; br < BlockRows; br++)
        {
            for (int k = BlockRowPtr[br]; k < BlockRowPtr[br + 1]; k++)
            {
                units[k] = br * BlockCols + BlockColIdx[k];
            }
        }
    }

    /// <summary>The block-CSR format of the sorted active tile <paramref name="units"/> of <paramref name="layout"/> over <paramref name="values"/>.</summary>
    public static BlockCsrFormat FromUnits(UnitLayout layout, ReadOnlySpan<int> units, float[] values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var blockRowPtr = new int[layout.UnitRows + 1];
        var blockColIdx = new int[units.Length];
        CsrMatrix.IndexAscending(units, layout.UnitRows, layout.UnitCols, blockRowPtr, blockColIdx); // CSR over the tile grid
        return new BlockCsrFormat(layout, blockRowPtr, blockColIdx, values);
    }

    public override void Forward<TShape>(float[] bias, float[] x, float[] y, int batch) =>
        Kernels.Forward<TShape>(this, bias, x, y, batch, BlockCsrKernels.BestPath);

    public override void Backward<TShape>(float[] x, float[] dz, float[] dValues, float[] db, float[]? dx, int batch) =>
        Kernels.Backward<TShape>(this, x, dz, dValues, db, dx, batch, BlockCsrKernels.BestPath);

    public override void Scatter(ReadOnlySpan<float> values, Span<float> dense)
    {
        int r = TileRows, c = TileCols, size = TileSize;
        for (int br = 0; br < BlockRows; br++)
        {
            for (int k = BlockRowPtr[br]; k < BlockRowPtr[br + 1]; k++)
            {
                ReadOnlySpan<float> tile = values.Slice(k * size, size);
                int origin = br * r * Cols + BlockColIdx[k] * c;
                for (int i = 0; i < r; i++)
                {
                    tile.Slice(i * c, c).CopyTo(dense.Slice(origin + i * Cols, c));
                }
            }
        }
    }

    /// <summary>Per block-column, the tiles touching it (block-row, storage rank), in block-row order.</summary>
    private static (int[] Ptr, int[] BlockRows, int[] Tiles) Transpose(int[] blockRowPtr, int[] blockColIdx, int blockCols)
    {
        var ptr = new int[blockCols + 1];
        var rows = new int[blockColIdx.Length];
        var tiles = new int[blockColIdx.Length];
        foreach (int bc in blockColIdx)
        {
            ptr[bc + 1]++;
        }

        for (int bc = 0; bc < blockCols; bc++)
        {
            ptr[bc + 1] += ptr[bc];
        }

        int[] next = ptr[..blockCols];
        for (int br = 0; br + 1 < blockRowPtr.Length; br++)
        {
            for (int k = blockRowPtr[br]; k < blockRowPtr[br + 1]; k++)
            {
                int slot = next[blockColIdx[k]]++;
                rows[slot] = br;
                tiles[slot] = k;
            }
        }

        return (ptr, rows, tiles);
    }
}
