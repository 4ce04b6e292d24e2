namespace SparseDsl.Sparse;

/// <summary>
/// The transient arrays of one mask update (old and new active units, ranks, magnitudes, drop marks, occupancy bits,
/// the threshold histogram, grown units, RigL's gradient tile and best-unit keys), one set per thread and reused by the
/// next update on that thread. Fresh arrays for every update were large-object-heap allocations that the kernel had to
/// map and zero page by page: in `perf`, a sixth of the update study went to page faults. What a set holds is sized
/// to the largest layer its thread has updated (about 20 bytes per active weight, 2 bits per dense position, and RigL's
/// gradient tile of 256 rows) and stays for the thread's life (no memory report counts it); it is not training state:
/// nothing in it outlives the update that filled it.
/// </summary>
internal sealed class UpdateScratch
{
    [ThreadStatic]
    private static UpdateScratch? forThisThread;

    private int[] oldUnits = [];
    private int[] newUnits = [];
    private int[] oldRanks = [];
    private int[] grown = [];
    private int[] histogram = [];
    private float[] magnitudes = [];
    private float[] floats = [];
    private float[] tile = [];
    private bool[] dropped = [];
    private ulong[] occupied = [];
    private ulong[] bits = [];
    private ulong[] droppedBits = [];
    private ulong[] keys = [];
    private ulong[] boundary = [];

    /// <summary>This thread's set (the layers of one update run side by side, each on its own thread).</summary>
    internal static UpdateScratch ForThisThread => forThisThread ??= new UpdateScratch();

    /// <summary>The weight's active units before the update (filled by the caller; at least <paramref name="length"/> long).</summary>
    internal int[] OldUnits(int length) => AtLeast(ref oldUnits, length);

    /// <summary>The active units after the update, ascending (an array at least <paramref name="length"/> long).</summary>
    internal int[] NewUnits(int length) => AtLeast(ref newUnits, length);

    /// <summary>For each new unit its rank among the old units, or -1 when grown (an array at least <paramref name="length"/> long).</summary>
    internal int[] OldRanks(int length) => AtLeast(ref oldRanks, length);

    internal Span<int> Grown(int length) => Take(ref grown, length);

    internal Span<float> Magnitudes(int length) => Take(ref magnitudes, length);

    /// <summary>Any other floats an update needs for a moment (the threshold's bucket).</summary>
    internal Span<float> Floats(int length) => Take(ref floats, length);

    /// <summary>RigL's dense-gradient tile (an array: the GEMM writes whole arrays).</summary>
    internal float[] Tile(int length) => AtLeast(ref tile, length);

    /// <summary>RigL's best-unit keys: an array at least <paramref name="length"/> long.</summary>
    internal ulong[] KeyArray(int length) => AtLeast(ref keys, length);

    /// <summary>The keys of RigL's best units that fall in the threshold's bucket.</summary>
    internal Span<ulong> Boundary(int length) => Take(ref boundary, length);

    /// <summary>Zeroed.</summary>
    internal Span<int> Histogram(int length) => Cleared(ref histogram, length);

    /// <summary>One mark per old active unit (N:M's drop within groups), zeroed.</summary>
    internal Span<bool> DropMarks(int length) => Cleared(ref dropped, length);

    /// <summary>One bit per unit of the layout (not zeroed): the units active before the update.</summary>
    internal Span<ulong> OldBits(int units) => Take(ref occupied, (units + 63) / 64);

    /// <summary>One bit per unit of the layout (not zeroed): the units active before the update and those grown.</summary>
    internal Span<ulong> Bits(int units) => Take(ref bits, (units + 63) / 64);

    /// <summary>
    /// One bit per old active unit, by rank (not zeroed): those dropped; two words more, zero, so that a
    /// <see cref="BitWords.Window"/> may start anywhere up to the count.
    /// </summary>
    internal Span<ulong> DroppedRanks(int count)
    {
        int words = (count + 63) / 64;
        Span<ulong> span = Take(ref droppedBits, words + 2);
        span[words..].Clear();
        return span;
    }

    /// <summary>The arrays behind <see cref="OldBits"/>, <see cref="Bits"/> and <see cref="DroppedRanks"/> as last sized (for work on the cores).</summary>
    internal ulong[] OldBitWords => occupied;

    internal ulong[] TakenBitWords => bits;

    internal ulong[] DroppedRankWords => droppedBits;

    /// <summary>The array itself, grown to at least <paramref name="length"/> (for callees that take whole arrays).</summary>
    private static T[] AtLeast<T>(ref T[] array, int length) => array.Length >= length ? array : array = new T[length];

    private static Span<T> Take<T>(ref T[] array, int length) => AtLeast(ref array, length).AsSpan(0, length);

    private static Span<T> Cleared<T>(ref T[] array, int length)
    {
        Span<T> span = Take(ref array, length);
        span.Clear();
        return span;
    }
}
