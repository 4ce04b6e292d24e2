namespace SparseDsl.Sparse;

/// <summary>
/// How the backward reads an N:M weight (<see cref="NOfMFormat"/>) so that one load of a row of dz feeds two FMAs. A
/// row's N weights in a group are cut into pairs (the last one alone when N is odd). Within each slab of
/// <see cref="SlabRows"/> rows and each group, the pairs are sorted by the two inputs they read (their class), so along
/// a run of one class the two inputs are fixed: dX sums each pair's dz row times its two weights into two accumulators
/// and writes them to dx once at the end of the run; dW holds the run's two rows of x in registers and meets each
/// pair's dz row with both. One 512-bit load of dz per two FMAs, where reading weight by weight costs one per FMA.
/// </summary>
internal sealed class NOfMPairMap
{
    /// <summary>
    /// Rows of dz per slab: 1024 rows of 128 floats = 512 KiB, in L2 while every group reads them. Smaller slabs that
    /// stay in L1 measured slower (64 rows: dX 1.4 against 0.8 ms at 784→1000, one core): each slab cuts every class
    /// into shorter runs, and a run's start and its two writes to dx cost more than the L2 reads they save.
    /// </summary>
    internal const int SlabRows = 1024;

    private NOfMPairMap(int[] rows, int[] positions, int[] segmentRuns, int[] runEnds, ushort[] runSlots)
    {
        Rows = rows;
        Positions = positions;
        SegmentRuns = segmentRuns;
        RunEnds = runEnds;
        RunSlots = runSlots;
    }

    /// <summary>Each pair's row (<c>Positions / RowValues</c>, stored so that the kernels need no division per pair).</summary>
    public int[] Rows { get; }

    /// <summary>Where each pair's first weight is stored in the format's values; its second (if any) follows it.</summary>
    public int[] Positions { get; }

    /// <summary>Slab s, group g: its runs are [SegmentRuns[s·Groups + g], SegmentRuns[s·Groups + g + 1]).</summary>
    public int[] SegmentRuns { get; }

    /// <summary>Run r holds pairs [RunEnds[r − 1] (0 for the first), RunEnds[r]).</summary>
    public int[] RunEnds { get; }

    /// <summary>Run r's two inputs in the group: first slot in the low byte, second in the high byte; equal for a lone weight.</summary>
    public ushort[] RunSlots { get; }

    /// <summary>The map of the slots (<see cref="NOfMFormat.Slots"/>) of an N:M weight of <paramref name="layout"/>.</summary>
    public static NOfMPairMap Build(UnitLayout layout, byte[] slots)
    {
        int rows = layout.Rows, n = layout.GroupActive, m = layout.GroupSize, groups = layout.Cols / m;
        int pairsPerGroup = (n + 1) / 2, rowValues = groups * n, slabs = (rows + SlabRows - 1) / SlabRows;
        int pairCount = rows * groups * pairsPerGroup;
        var pairRows = new int[pairCount];
        var positions = new int[pairCount];
        var segmentRuns = new int[slabs * groups + 1];
        var runEnds = new List<int>();
        var runSlots = new List<ushort>();

        // One segment (slab, group) at a time, its pairs counting-sorted by class (first slot · M + second slot); the sort
        // is stable, so rows ascend within a run. Only the classes present are visited (at most the segment's pair count,
        // where M² buckets would cost 65,536 per segment at M = 256).
        int capacity = Math.Min(rows, SlabRows) * pairsPerGroup;
        var classOf = new int[capacity];
        var firstOf = new int[capacity];
        var classCount = new int[m * m];
        var used = new List<int>();
        int at = 0;
        for (int s = 0; s < slabs; s++)
        {
            int r0 = s * SlabRows, r1 = Math.Min(rows, r0 + SlabRows);
            for (int g = 0; g < groups; g++)
            {
                int count = 0;
                for (int r = r0; r < r1; r++)
                {
                    for (int q = 0; q < pairsPerGroup; q++, count++)
                    {
                        int first = r * rowValues + g * n + 2 * q;
                        int second = 2 * q + 1 < n ? first + 1 : first;
                        int c = slots[first] * m + slots[second];
                        classOf[count] = c;
                        firstOf[count] = first;
                        if (classCount[c]++ == 0)
                        {
                            used.Add(c);
                        }
                    }
                }

                // classCount becomes each present class's next place; reset to 0 for the next segment below.
                used.Sort();
                int end = at;
                foreach (int c in used)
                {
                    int size = classCount[c];
                    classCount[c] = end;
                    end += size;
                    runEnds.Add(end);
                    runSlots.Add((ushort)(c / m | c % m << 8));
                }

                for (int i = 0; i < count; i++)
                {
                    int place = classCount[classOf[i]]++;
                    pairRows[place] = firstOf[i] / rowValues;
                    positions[place] = firstOf[i];
                }

                foreach (int c in used)
                {
                    classCount[c] = 0;
                }

                used.Clear();
                at += count;
                segmentRuns[s * groups + g + 1] = runEnds.Count;
            }
        }

        return new NOfMPairMap(pairRows, positions, segmentRuns, [.. runEnds], [.. runSlots]);
    }
}
