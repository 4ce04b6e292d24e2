using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SparseDsl.Kernels;

namespace SparseDsl.Sparse;

/// <summary>Drop by magnitude: the threshold's radix select and the marks.</summary>
public static partial class MaskUpdater
{
    /// <summary>
    /// Marks in <paramref name="dropped"/> (a bit per rank, every word written) the <paramref name="count"/> smallest
    /// magnitudes, ties to the lower rank, in O(n) (radix select of the threshold), and returns how many it marked (the
    /// count, or all when fewer). The marks are made 16 at a time by vector compares: ties at the threshold can be many
    /// (weights grown at zero and not trained since tie at 0), and a branch on each would be a coin toss.
    /// </summary>
    private static int DropLowest(ReadOnlySpan<float> magnitude, int count, Span<ulong> dropped, UpdateScratch scratch)
    {
        int words = (magnitude.Length + 63) / 64;
        count = Math.Min(count, magnitude.Length);
        if (count <= 0)
        {
            dropped[..words].Clear();
            return 0;
        }

        (float threshold, int below) = SmallestAt(magnitude, count - 1, scratch);
        int tiesToTake = count - below; // the lowest ranks among those equal to the threshold
        ref float first = ref MemoryMarshal.GetReference(magnitude);
        for (int w = 0; w < words; w++)
        {
            int start = w * 64, end = Math.Min(start + 64, magnitude.Length), i = start;
            ulong less = 0, equal = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var t = Vector512.Create(threshold);
                for (; i + 16 <= end; i += 16)
                {
                    Vector512<float> m = Vector512.LoadUnsafe(ref first, (nuint)i);
                    less |= Vector512.LessThan(m, t).ExtractMostSignificantBits() << (i - start);
                    equal |= Vector512.Equals(m, t).ExtractMostSignificantBits() << (i - start);
                }
            }

            for (; i < end; i++)
            {
                less |= (ulong)Branchless.One(magnitude[i] < threshold) << (i - start);
                equal |= (ulong)Branchless.One(magnitude[i] == threshold) << (i - start);
            }

            if (equal != 0 && tiesToTake > 0)
            {
                int ties = BitOperations.PopCount(equal);
                equal = ties <= tiesToTake ? equal : BitWords.Deposit((1UL << tiesToTake) - 1, equal); // the lowest ranks
                tiesToTake -= Math.Min(ties, tiesToTake);
            }
            else
            {
                equal = 0;
            }

            dropped[w] = less | equal;
        }

        return count;
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest (0-based) of non-negative <paramref name="values"/>, and how many are strictly
    /// smaller: their bit patterns order as the values do, so one pass histograms the top 16 bits, and a quickselect
    /// finishes within the one bucket (collected without a branch: it may hold a third of the values when they tie).
    /// </summary>
    private static (float Value, int Below) SmallestAt(ReadOnlySpan<float> values, int k, UpdateScratch scratch)
    {
        Span<int> histogram = scratch.Histogram(1 << 16);
        foreach (float v in values)
        {
            histogram[(int)(BitConverter.SingleToUInt32Bits(v) >> 16)]++;
        }

        int bucket = 0, below = 0;
        while (below + histogram[bucket] <= k)
        {
            below += histogram[bucket++];
        }

        Span<float> inBucket = scratch.Floats(histogram[bucket] + 1); // + 1: every value is written, the count says which stay
        int n = 0;
        foreach (float v in values)
        {
            inBucket[n] = v;
            n += Branchless.One(BitConverter.SingleToUInt32Bits(v) >> 16 == (uint)bucket);
        }

        float value = Select(inBucket[..n], k - below);
        for (int i = 0, front = k - below; i < front; i++)
        {
            below += Branchless.One(inBucket[i] < value); // Select left the bucket's k - below smallest in front
        }

        return (value, below);
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest element (0-based) of <paramref name="a"/>, which it reorders so that the
    /// elements before position k are no larger and those after no smaller (Hoare quickselect, median-of-three pivot).
    /// </summary>
    internal static T Select<T>(Span<T> a, int k)
        where T : struct, IComparisonOperators<T, T, bool>
    {
        int left = 0, right = a.Length - 1;
        while (left < right)
        {
            T pivot = MedianOfThree(a[left], a[left + ((right - left) >> 1)], a[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }

    private static T MedianOfThree<T>(T a, T b, T c)
        where T : IComparisonOperators<T, T, bool> =>
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
}
