using System.Runtime.Intrinsics.X86;

namespace SparseDsl.Sparse;

/// <summary>
/// Sets of small integers (units, ranks) as 64-bit words, bit <c>i % 64</c> of word <c>i / 64</c>: what a topology
/// update uses instead of sorted lists and merges, whose branches go as the data does.
/// </summary>
internal static class BitWords
{
    public static bool IsSet(ReadOnlySpan<ulong> bits, int i) => (bits[i >> 6] & (1UL << (i & 63))) != 0;

    public static void Set(Span<ulong> bits, int i) => bits[i >> 6] |= 1UL << (i & 63);

    /// <summary>
    /// Bits [<paramref name="offset"/>, <paramref name="offset"/> + 64) of the set as one word (bit 0 the first); the
    /// array must hold one word past the last it is read from.
    /// </summary>
    public static ulong Window(ReadOnlySpan<ulong> bits, int offset)
    {
        int word = offset >> 6, shift = offset & 63;
        return (bits[word] >> shift) | ((bits[word + 1] << 1) << (63 - shift)); // two shifts: a shift by 64 would be by 0
    }

    /// <summary>
    /// The low bits of <paramref name="source"/> placed, in order, at the set bits of <paramref name="mask"/> (BMI2's
    /// PDEP; e.g. a run of per-rank marks spread onto the units that have those ranks).
    /// </summary>
    public static ulong Deposit(ulong source, ulong mask) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.ParallelBitDeposit(source, mask) : DepositPortable(source, mask);

    /// <summary><see cref="Deposit"/> one bit at a time, for CPUs without BMI2.</summary>
    internal static ulong DepositPortable(ulong source, ulong mask)
    {
        ulong result = 0;
        for (ulong bit = 1; mask != 0; bit <<= 1, mask &= mask - 1)
        {
            if ((source & bit) != 0)
            {
                result |= mask & (0 - mask); // the lowest set bit of what is left of the mask
            }
        }

        return result;
    }
}
