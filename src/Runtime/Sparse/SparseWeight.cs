using SparseDsl.Training;

namespace SparseDsl.Sparse;

/// <summary>
/// One weight matrix and everything that changes with its topology: the format (which units are active, and the
/// kernels), and the <see cref="Parameter"/> that owns the stored values, their gradient and the optimizer's state
/// slots. <see cref="Apply(TopologyChange)"/> is the only way the topology changes: it moves every array together and builds the new
/// format over the new values. When the count stays, the arrays are rearranged in place and the new format takes over
/// the old one's index arrays: a <see cref="Format"/> (or an array) kept from before an update then reads the new
/// topology, so read <see cref="Format"/> again after every update rather than keeping it.
/// </summary>
public sealed class SparseWeight
{
    public SparseWeight(string name, WeightFormat format, bool decays = true)
    {
        ArgumentNullException.ThrowIfNull(format);
        Format = format;
        Parameter = new Parameter(name, format.Values, decays) { Density = format.Density };
    }

    /// <summary>Values, gradient and optimizer state (the values are <see cref="WeightFormat.Values"/>).</summary>
    public Parameter Parameter { get; }

    /// <summary>The current topology and its kernels (valid until the next <see cref="Apply(TopologyChange)"/>).</summary>
    public WeightFormat Format { get; private set; }

    public UnitLayout Layout => Format.Layout;

    /// <summary>How many topology changes were applied (a device copy compares it to know when to re-upload).</summary>
    public int Version { get; private set; }

    /// <summary>
    /// One topology change: the new active units, with every surviving unit's value and optimizer state moved bit
    /// for bit and every grown unit at zero with zero state (and step 0).
    /// </summary>
    public void Apply(TopologyChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.OldRankOfNew.Length != change.ActiveUnits.Length)
        {
            throw new ArgumentException($"'{Parameter.Name}': {change.ActiveUnits.Length} new units but {change.OldRankOfNew.Length} old ranks", nameof(change));
        }

        var plan = new TopologyPlan(change.ActiveUnits, change.OldRankOfNew, change.ActiveUnits.Length, change.Dropped, change.Grown);

        // Checked before anything moves: a refused change leaves the weight as it was.
        ReadOnlySpan<int> units = plan.ActiveUnits;
        int unitCount = Layout.UnitCount;
        for (int j = 0, previous = -1; j < units.Length; previous = units[j++])
        {
            if (units[j] <= previous || units[j] >= unitCount)
            {
                throw new ArgumentException($"'{Parameter.Name}': new units must ascend in [0, {unitCount}); unit {units[j]} at {j} does not", nameof(change));
            }
        }

        Apply(plan, trusted: false);
    }

    /// <summary>
    /// <see cref="Apply(TopologyChange)"/> from a plan in an update's scratch arrays. <paramref name="trusted"/>: a
    /// <see cref="MaskUpdater"/> plan, whose old ranks are -1 or ascending and in range by construction, moves without
    /// their check; a hand-made change's units were checked by the public overload and its ranks are checked by
    /// <see cref="Parameter.Remap(int[], int, int, bool)"/> before anything moves (ranks out of order gather into new
    /// arrays). When the count stays (SET, RigL, SMET) the values and state move within their arrays and the format
    /// reuses its index arrays, so an update allocates nothing.
    /// </summary>
    internal void Apply(TopologyPlan change, bool trusted = true)
    {
        Parameter.Remap(change.Ranks, change.Count, Layout.UnitSize, ordered: trusted);
        Format = WeightFormats.Create(Layout, change.ActiveUnits, Parameter.Values, Format);
        Parameter.Density = Format.Density;
        Version++;
    }

    /// <summary>
    /// Takes a checkpoint's topology and state: the format rebuilt over <paramref name="activeUnits"/> and the restored
    /// values, with the slots and ages of those values (the version counts it as a topology change).
    /// </summary>
    internal void Restore(int[] activeUnits, float[] values, float[][] slots, WeightAges? ages)
    {
        if ((long)activeUnits.Length * Layout.UnitSize != values.Length)
        {
            throw new InvalidDataException($"checkpoint weight '{Parameter.Name}': {activeUnits.Length} units of {Layout.UnitSize} need {(long)activeUnits.Length * Layout.UnitSize} values, not {values.Length}");
        }

        Parameter.Restore(values, slots, ages);
        Format = WeightFormats.Create(Layout, activeUnits, Parameter.Values); // formats copy the units into their own arrays
        Parameter.Density = Format.Density;
        Version++;
    }
}
