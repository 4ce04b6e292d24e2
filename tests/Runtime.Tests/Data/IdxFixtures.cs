using System.Buffers.Binary;
using System.IO.Compression;

namespace SparseDsl.Runtime.Tests.Data;

/// <summary>Writes small IDX files (optionally gzipped, corrupted or cut short) for the reader tests.</summary>
internal static class IdxFixtures
{
    public static byte[] Images(int count, int rows, int columns, Func<int, byte> pixel, int magic = 0x00000803)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int k = 0; k < count * rows * columns; k++)
        {
            bytes[16 + k] = pixel(k);
        }

        return bytes;
    }

    public static byte[] Labels(byte[] labels, int magic = 0x00000801)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return memory.ToArray();
    }

    /// <summary>A complete fake Fashion-MNIST folder: <paramref name="train"/> and <paramref name="test"/> 28×28 images.</summary>
    public static void WriteFashionMnist(string directory, int train = 12, int test = 5, bool gzip = true)
    {
        Directory.CreateDirectory(directory);
        Write("train-images-idx3-ubyte", Images(train, 28, 28, k => (byte)(k % 256)));
        Write("train-labels-idx1-ubyte", Labels(Enumerable.Range(0, train).Select(i => (byte)(i % 10)).ToArray()));
        Write("t10k-images-idx3-ubyte", Images(test, 28, 28, k => (byte)(255 - k % 256)));
        Write("t10k-labels-idx1-ubyte", Labels(Enumerable.Range(0, test).Select(i => (byte)((i * 3) % 10)).ToArray()));

        void Write(string name, byte[] raw) =>
            File.WriteAllBytes(Path.Combine(directory, gzip ? name + ".gz" : name), gzip ? Gzip(raw) : raw);
    }
}

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sparsedsl-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
