using ILGPU;
using ILGPU.Runtime;
using SparseDsl.Sparse;

namespace SparseDsl.Training.Device;

/// <summary>
/// A block-CSR weight (block R×C or rows) on the device: <see cref="BlockCsrFormat"/>'s index arrays as they are on the
/// host, plus each tile's block-row for the weight-gradient kernel (one thread per stored value finds its tile's
/// outputs without a search). dX gathers per block-column through the format's tile transpose map: each thread sums
/// its own dx entry, so there are no atomics and the order of the sums is fixed.
/// </summary>
internal sealed class BlockCsrStorage : DeviceStorage
{
    private readonly int storedValues;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> blockRowStart;      // [out / R + 1]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> blockColumn;        // [tiles]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> tileRow;            // [tiles]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> blockColumnStart;   // [in / C + 1]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> transposedBlockRow; // [tiles]
    private readonly MemoryBuffer1D<int, Stride1D.Dense> transposedTile;     // [tiles]

    public BlockCsrStorage(Accelerator accelerator, int inputs, int outputs, BlockCsrFormat format, IndexedLaunch launch)
        : base(inputs, outputs)
    {
        Launch = launch;
        TileRows = format.TileRows;
        TileCols = format.TileCols;
        storedValues = format.StoredValues;
        var rows = new int[format.Tiles];
        for (int br = 0; br < format.BlockRows; br++)
        {
            Array.Fill(rows, br, format.BlockRowPtr[br], format.BlockRowPtr[br + 1] - format.BlockRowPtr[br]);
        }

        blockRowStart = accelerator.Allocate1D(format.BlockRowPtr);
        blockColumn = accelerator.Allocate1D(format.BlockColIdx);
        tileRow = accelerator.Allocate1D(rows);
        blockColumnStart = accelerator.Allocate1D(format.TransposePtr);
        transposedBlockRow = accelerator.Allocate1D(format.TransposeBlockRows);
        transposedTile = accelerator.Allocate1D(format.TransposeTiles);
    }

    public int TileRows { get; }

    public int TileCols { get; }

    public IndexedLaunch Launch { get; }

    public override void Forward(ArrayView<float> values, ArrayView<float> bias, ArrayView<float> x, ArrayView<float> y, int batch) =>
        Launch.Forward(new Index2D(batch, Outputs), blockRowStart.View, blockColumn.View, values, bias, x, y, batch);

    public override void WeightGradient(ArrayView<float> dz, ArrayView<float> x, ArrayView<float> dValues, int batch) =>
        Launch.WeightGradient(storedValues, tileRow.View, blockColumn.View, dz, x, dValues, batch);

    public override void InputGradient(ArrayView<float> values, ArrayView<float> dz, ArrayView<float> dx, int batch) =>
        Launch.InputGradient(new Index2D(batch, Inputs), blockColumnStart.View, transposedBlockRow.View, transposedTile.View, values, dz, dx, batch);

    public override void Dispose()
    {
        blockRowStart.Dispose();
        blockColumn.Dispose();
        tileRow.Dispose();
        blockColumnStart.Dispose();
        transposedBlockRow.Dispose();
        transposedTile.Dispose();
    }
}
