namespace SparseDsl.Sparse;

/// <summary>
/// The size of a block pattern's tile (Rows × Cols weights) as a struct type argument of <see cref="BlockCsrKernels"/>.
/// The sizes are instance members so that one kernel body serves both cases: for the fixed-size structs below they
/// return constants, and the JIT, which compiles one copy of a generic method per struct type argument, bakes R and C
/// into the loops; <see cref="AnyTile"/> carries them in fields for every other size. Which struct a layer gets is
/// decided once, in <see cref="BlockTileKernels.For"/>.
/// </summary>
public interface ITileShape
{
    int Rows { get; }

    int Cols { get; }
}

/// <summary>16 × 16 tiles (BLaST's default).</summary>
public readonly struct Tile16x16 : ITileShape
{
    public int Rows => 16;

    public int Cols => 16;
}

/// <summary>8 × 8 tiles.</summary>
public readonly struct Tile8x8 : ITileShape
{
    public int Rows => 8;

    public int Cols => 8;
}

/// <summary>32 × 32 tiles.</summary>
public readonly struct Tile32x32 : ITileShape
{
    public int Rows => 32;

    public int Cols => 32;
}

/// <summary>4 × 4 tiles.</summary>
public readonly struct Tile4x4 : ITileShape
{
    public int Rows => 4;

    public int Cols => 4;
}

/// <summary>Any other tile size, known only at run time (the same kernels, without the constants baked in).</summary>
public readonly struct AnyTile : ITileShape
{
    public AnyTile(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        Rows = rows;
        Cols = cols;
    }

    public int Rows { get; }

    public int Cols { get; }
}
