using SparseDsl.Sparse;

namespace SparseDsl.Runtime.Tests.Sparse;

public class BitWordsTests
{
    /// <summary>A window of bits equals the bits read one by one, at every offset of a random set (ends zero-padded).</summary>
    [Fact]
    public void Window_EqualsBitsReadOneByOne()
    {
        var random = new Random(5);
        ulong[] bits = [.. Enumerable.Range(0, 6).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40)), 0, 0];
        for (int offset = 0; offset <= 6 * 64; offset++)
        {
            ulong expected = 0;
            for (int b = 0; b < 64; b++)
            {
                if (offset + b < bits.Length * 64 && BitWords.IsSet(bits, offset + b))
                {
                    expected |= 1UL << b;
                }
            }

            Assert.Equal(expected, BitWords.Window(bits, offset));
        }
    }

    /// <summary>Deposit against its definition (the i-th low bit of the source to the i-th set bit of the mask), both paths.</summary>
    [Fact]
    public void Deposit_PlacesSourceBitsAtTheMasksSetBits()
    {
        var random = new Random(6);
        for (int trial = 0; trial < 2_000; trial++)
        {
            ulong source = (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2);
            ulong mask = (ulong)random.NextInt64() & (ulong)random.NextInt64() << random.Next(3);
            ulong expected = 0;
            for (int b = 0, i = 0; b < 64; b++)
            {
                if ((mask >> b & 1) != 0)
                {
                    expected |= (source >> i++ & 1) << b;
                }
            }

            Assert.Equal(expected, BitWords.DepositPortable(source, mask));
            Assert.Equal(expected, BitWords.Deposit(source, mask));
        }
    }
}
