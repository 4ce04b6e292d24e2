using System.Buffers.Binary;
using System.IO.Compression;

namespace SparseDsl.Data;

/// <summary>Images from an IDX3 file: <see cref="Pixels"/> is [Count, Rows*Columns] bytes, row-major per image.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public int PixelsPerImage => Rows * Columns;
}

/// <summary>
/// Reads the IDX format of (Fashion-)MNIST: a big-endian magic (0x00000803 for unsigned-byte images of rank 3,
/// 0x00000801 for unsigned-byte labels of rank 1), big-endian int32 dimensions, then the bytes. Gzip-compressed
/// files (recognised by their 1F 8B header, whatever the name) are decompressed on the fly. Malformed input
/// throws <see cref="InvalidDataException"/> with the file name and what was wrong.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static IdxImages ReadImages(string path)
    {
        using Stream stream = Open(path);
        return ReadImages(stream, path);
    }

    public static byte[] ReadLabels(string path)
    {
        using Stream stream = Open(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads an (uncompressed) IDX3 image stream; <paramref name="source"/> names it in errors.</summary>
    public static IdxImages ReadImages(Stream stream, string source)
    {
        Span<byte> header = stackalloc byte[16];
        ReadHeader(stream, header, source, ImagesMagic, "image");
        int count = Dimension(header, 4, source, "image count");
        int rows = Dimension(header, 8, source, "row count");
        int columns = Dimension(header, 12, source, "column count");
        long total = (long)count * rows * columns;
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"{source}: {count} images of {rows}x{columns} are too many to hold in one array.");
        }

        var pixels = new byte[total];
        int read = ReadFully(stream, pixels, source);
        if (read < pixels.Length)
        {
            throw new InvalidDataException(
                $"{source}: truncated: the header announces {count} images of {rows}x{columns} ({total} bytes) but only {read} bytes follow.");
        }

        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads an (uncompressed) IDX1 label stream; <paramref name="source"/> names it in errors.</summary>
    public static byte[] ReadLabels(Stream stream, string source)
    {
        Span<byte> header = stackalloc byte[8];
        ReadHeader(stream, header, source, LabelsMagic, "label");
        int count = Dimension(header, 4, source, "label count");
        var labels = new byte[count];
        int read = ReadFully(stream, labels, source);
        if (read < labels.Length)
        {
            throw new InvalidDataException(
                $"{source}: truncated: the header announces {count} labels but only {read} bytes follow.");
        }

        return labels;
    }

    /// <summary>Opens a file, decompressing it when it starts with the gzip header.</summary>
    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int first = file.ReadByte();
        int second = file.ReadByte();
        file.Position = 0;
        if (first == 0x1F && second == 0x8B)
        {
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        }

        return file;
    }

    private static void ReadHeader(Stream stream, Span<byte> header, string source, int magic, string kind)
    {
        int read = ReadFully(stream, header, source);

        if (read < header.Length)
        {
            throw new InvalidDataException($"{source}: truncated: {read} bytes, shorter than the {header.Length}-byte IDX {kind} header.");
        }

        int found = BinaryPrimitives.ReadInt32BigEndian(header);
        if (found != magic)
        {
            throw new InvalidDataException(
                $"{source}: not an IDX {kind} file: magic 0x{found:X8}, expected 0x{magic:X8}.");
        }
    }

    private static int Dimension(ReadOnlySpan<byte> header, int offset, string source, string what)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(header[offset..]);
        if (value < 0)
        {
            throw new InvalidDataException($"{source}: negative {what} {value} in the IDX header.");
        }

        return value;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer, string source)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (EndOfStreamException)
        {
            // A gzip stream cut short: the caller reports the truncation.
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: corrupt gzip data ({e.Message})", e);
        }

        return total;
    }
}
