using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>Where RigL's growth scan sends scored units: every score, or the best so far.</summary>
public static partial class MaskUpdater
{
    /// <summary>Where scored free units go; <see cref="Threshold"/> lets the scan skip scores that cannot matter.</summary>
    private interface IScoreSink
    {
        float Threshold { get; }

        void Offer(int unit, float score);

        /// <summary>Raises the threshold to <paramref name="floor"/> (scores below it are not offered); whether it rose.</summary>
        bool Raise(float floor);
    }

    /// <summary>Every free unit's score into a dense array (N:M groups pick within a handful).</summary>
    private readonly struct AllScores(float[] scores) : IScoreSink
    {
        public float Threshold => float.NegativeInfinity;

        public void Offer(int unit, float score) => scores[unit] = score;

        public bool Raise(float floor) => false; // every score is wanted
    }

    /// <summary>
    /// The <c>capacity</c> best (score, unit) pairs — higher score first, the lower unit among equal scores — kept in a
    /// buffer of twice the capacity: when it fills, a quickselect keeps the best half and raises <see cref="Threshold"/>
    /// to the worst kept score, so the scan offers fewer and fewer units (amortized linear, no per-offer heap work). A
    /// struct over its state, so that the generic scan is specialized for it (calls inlined, not dispatched).
    /// </summary>
    private readonly struct BestUnits(int capacity, UpdateScratch scratch) : IScoreSink
    {
        private readonly BestUnitsState state = new(capacity, scratch.KeyArray(Math.Max(2 * capacity, 16)), scratch);

        public float Threshold => state.Threshold;

        public void Offer(int unit, float score) => state.Offer(unit, score);

        /// <summary>The kept units, in no particular order, into the front of <paramref name="units"/>.</summary>
        public Span<int> Units(Span<int> units) => state.Units(units);

        /// <summary>Units offered and kept so far (at most the capacity after <see cref="Units"/>).</summary>
        public int Count => state.Count;

        public bool Raise(float floor) => state.Raise(floor);
    }

    /// <summary>
    /// The buffer and threshold of <see cref="BestUnits"/>. Each entry is one 64-bit key, the complement of the score's
    /// bits above the unit: scores are magnitudes (≥ 0), whose bits order as they do, so a smaller key is a higher score
    /// or, on a tie, a lower unit, and the compaction is a radix select over plain integers (a quickselect over
    /// (score, unit) pairs with a tie-break cost most of RigL's growth; a quickselect over the keys, whose comparisons
    /// branch at random, still most of what was left).
    /// </summary>
    private sealed class BestUnitsState(int capacity, ulong[] keys, UpdateScratch scratch)
    {
        private readonly int limit = Math.Max(2 * capacity, 16); // keys may be longer (a reused array)
        private int count;

        public float Threshold { get; private set; } = float.NegativeInfinity;

        public void Offer(int unit, float score)
        {
            if (capacity == 0)
            {
                return;
            }

            // A magnitude is never negative; -0 and anything below would break the key order, so they rank as 0.
            uint bits = score > 0f ? BitConverter.SingleToUInt32Bits(score) : 0u;
            keys[count++] = ((ulong)~bits << 32) | (uint)unit;
            if (count == limit)
            {
                Compact();
            }
        }

        public int Count => count;

        public bool Raise(float floor)
        {
            if (!(floor > Threshold))
            {
                return false;
            }

            Threshold = floor;
            return true;
        }

        public Span<int> Units(Span<int> units)
        {
            Compact();
            for (int n = 0; n < count; n++)
            {
                units[n] = (int)(uint)keys[n];
            }

            return units[..count];
        }

        /// <summary>Below this many keys a compaction is a plain quickselect (a 16-bit histogram clears and walks 256 KiB).</summary>
        private const int HistogramCompactionKeys = 4096;

        private static float ScoreOf(ulong key) => BitConverter.UInt32BitsToSingle(~(uint)(key >> 32));

        /// <summary>Keeps the <c>capacity</c> smallest keys (the best units) in front and drops the rest.</summary>
        private void Compact()
        {
            if (count <= capacity)
            {
                return;
            }

            Span<ulong> live = keys.AsSpan(0, count);
            if (count < HistogramCompactionKeys)
            {
                // Few keys (a small layer, or late in a decaying schedule): the histogram's fixed cost would dominate.
                Threshold = ScoreOf(Select(live, capacity - 1));
                count = capacity;
                return;
            }

            // The top 16 bits of the keys in a histogram: every key in a bucket below the one that holds the capacity-th
            // smallest is kept, and a quickselect finds the rest among that one bucket's keys (a few per cent of them).
            Span<int> histogram = scratch.Histogram(1 << 16);
            foreach (ulong key in live)
            {
                histogram[(int)(key >> 48)]++;
            }

            int bucket = 0, below = 0;
            while (below + histogram[bucket] < capacity)
            {
                below += histogram[bucket++];
            }

            // One pass, no branches: keys below the bucket move to the front (never ahead of the reading position), the
            // bucket's keys to the side.
            Span<ulong> boundary = scratch.Boundary(histogram[bucket] + 1); // + 1: every key is written, the counts say which stay
            int kept = 0, sided = 0;
            foreach (ulong key in live)
            {
                int top = (int)(key >> 48);
                keys[kept] = key;
                kept += Branchless.One(top < bucket);
                boundary[sided] = key;
                sided += Branchless.One(top == bucket);
            }

            ulong worst = Select(boundary[..sided], capacity - below - 1); // boundary[0 .. capacity - below) now the bucket's best
            boundary[..(capacity - below)].CopyTo(keys.AsSpan(below));
            count = capacity;
            Threshold = ScoreOf(worst);
        }
    }
}
