namespace SparseDsl.Sparse;

/// <summary>
/// A planned topology change of one weight: the new active units (ascending), for each the rank it had among the old
/// active units or -1 when grown, and how many units were dropped and grown.
/// </summary>
public sealed record TopologyChange(int[] ActiveUnits, int[] OldRankOfNew, int Dropped, int Grown);

/// <summary>
/// A planned topology change in the first <see cref="Count"/> entries of arrays that may be longer and may live in an
/// <see cref="UpdateScratch"/> (valid until the next plan on the same thread): what <see cref="TopologyChange"/> holds,
/// without allocating it. Arrays rather than spans, so that the move can be split across cores.
/// </summary>
internal readonly struct TopologyPlan
{
    public TopologyPlan(int[] activeUnits, int[] oldRankOfNew, int count, int dropped, int grown)
    {
        if (activeUnits.Length < count || oldRankOfNew.Length < count)
        {
            throw new ArgumentException($"a topology change of {count} units needs {count} units and old ranks, not {activeUnits.Length} and {oldRankOfNew.Length}");
        }

        Units = activeUnits;
        Ranks = oldRankOfNew;
        Count = count;
        Dropped = dropped;
        Grown = grown;
    }

    /// <summary>The array behind <see cref="ActiveUnits"/>.</summary>
    public int[] Units { get; }

    /// <summary>The array behind <see cref="OldRankOfNew"/>.</summary>
    public int[] Ranks { get; }

    public int Count { get; }

    public ReadOnlySpan<int> ActiveUnits => Units.AsSpan(0, Count);

    public ReadOnlySpan<int> OldRankOfNew => Ranks.AsSpan(0, Count);

    public int Dropped { get; }

    public int Grown { get; }
}
