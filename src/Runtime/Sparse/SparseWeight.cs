using SparseDsl.Training;

namespace SparseDsl.Sparse;

/// <summary>
/// One weight matrix and everything that changes with its topology: the format (which units are active, and the
/// kernels), and the <see cref="Parameter"/> that owns the stored values, their gradient and the optimizer's state
/// slots. <see cref="Apply"/> is the only way the topology changes: it moves every array together and builds the new
/// format over the new values, so nothing can keep reading a stale array.
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

    /// <summary>The current topology and its kernels.</summary>
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
        int size = Layout.UnitSize;
        int[] valueMap = change.OldRankOfNew; // a unit is one value unless it is a tile or a row
        if (size > 1)
        {
            valueMap = new int[(long)change.ActiveUnits.Length * size];
            for (int j = 0; j < change.OldRankOfNew.Length; j++)
            {
                int from = change.OldRankOfNew[j];
                for (int e = 0; e < size; e++)
                {
                    valueMap[j * size + e] = from < 0 ? -1 : from * size + e;
                }
            }
        }

        Parameter.Remap(valueMap);
        Format = WeightFormats.Create(Layout, change.ActiveUnits, Parameter.Values);
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
        Format = WeightFormats.Create(Layout, (int[])activeUnits.Clone(), Parameter.Values);
        Parameter.Density = Format.Density;
        Version++;
    }
}

/// <summary>
/// A planned topology change of one weight: the new active units (ascending), for each the rank it had among the old
/// active units or -1 when grown, and how many units were dropped and grown.
/// </summary>
public sealed record TopologyChange(int[] ActiveUnits, int[] OldRankOfNew, int Dropped, int Grown);
