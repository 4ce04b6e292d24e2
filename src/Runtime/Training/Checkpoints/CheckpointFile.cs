using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace SparseDsl.Training;

/// <summary>
/// The binary form of a <see cref="TrainingCheckpoint"/>: the magic <c>SPDCKPT1</c>, the format version (int32), the
/// payload's length (int64), the payload, and the SHA-256 of the payload, all little-endian. A file that is short,
/// has another magic or version, or whose payload does not hash to the stored digest is refused with
/// <see cref="InvalidDataException"/> before anything is restored.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The version written; a reader refuses any other.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "SPDCKPT1"u8.ToArray();

    /// <summary>
    /// Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically: into <c>path.tmp</c>, flushed to the
    /// disk (fsync), then renamed over <paramref name="path"/>, so a crash leaves the old file or the new one, never half.
    /// </summary>
    public static void Write(string path, TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(checkpoint);
        byte[] payload = Payload(checkpoint);
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Magic);
            Span<byte> header = stackalloc byte[12];
            BitConverter.TryWriteBytes(header[..4], FormatVersion);
            BitConverter.TryWriteBytes(header[4..], (long)payload.Length);
            file.Write(header);
            file.Write(payload);
            file.Write(SHA256.HashData(payload));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads and verifies the checkpoint at <paramref name="path"/>; <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static TrainingCheckpoint Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = Magic.Length + 12;
        if (bytes.Length < headerLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a SparseDsl checkpoint (no SPDCKPT1 header)");
        }

        int version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"checkpoint format version {version}; this build reads version {FormatVersion}");
        }

        long length = BitConverter.ToInt64(bytes, Magic.Length + 4);
        if (length < 0 || headerLength + length + 32 != bytes.Length)
        {
            throw new InvalidDataException($"truncated or padded: {bytes.Length} bytes where the header says {headerLength + length + 32}");
        }

        var payload = bytes.AsSpan(headerLength, (int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(headerLength + (int)length, 32)))
        {
            throw new InvalidDataException("SHA-256 of the payload does not match: the file is corrupt");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, headerLength, (int)length), Encoding.UTF8);
        return ReadPayload(reader);
    }

    private static byte[] Payload(TrainingCheckpoint c)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(c.Step);
            writer.Write(c.Seed);
            writer.Write(c.OptimizerSteps);
            writer.Write(c.TrainLossSum);
            writer.Write(c.TrainHits);
            writer.Write(c.SeenSinceEval);
            writer.Write(c.DataEpoch);
            writer.Write(c.DataOffset);
            writer.Write(c.Parameters.Count);
            foreach (ParameterState p in c.Parameters)
            {
                writer.Write(p.Name);
                WriteArray(writer, p.Values);
                writer.Write(p.Slots.Length);
                foreach (float[] slot in p.Slots)
                {
                    WriteArray(writer, slot);
                }

                writer.Write(p.AgeLimit);
                WriteOptional(writer, p.Ages);
                WriteOptional(writer, p.ActiveUnits);
            }
        }

        return stream.ToArray();
    }

    private static TrainingCheckpoint ReadPayload(BinaryReader reader)
    {
        int step = reader.ReadInt32();
        long seed = reader.ReadInt64();
        int optimizerSteps = reader.ReadInt32();
        double lossSum = reader.ReadDouble();
        long hits = reader.ReadInt64();
        long seen = reader.ReadInt64();
        int epoch = reader.ReadInt32();
        int offset = reader.ReadInt32();
        int count = reader.ReadInt32();
        var parameters = new List<ParameterState>(count);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            float[] values = ReadArray<float>(reader);
            var slots = new float[reader.ReadInt32()][];
            for (int s = 0; s < slots.Length; s++)
            {
                slots[s] = ReadArray<float>(reader);
            }

            int ageLimit = reader.ReadInt32();
            int[]? ages = reader.ReadBoolean() ? ReadArray<int>(reader) : null;
            int[]? units = reader.ReadBoolean() ? ReadArray<int>(reader) : null;
            parameters.Add(new ParameterState(name, values, slots, ages, ageLimit, units));
        }

        return new TrainingCheckpoint(step, seed, optimizerSteps, lossSum, hits, seen, epoch, offset, parameters);
    }

    private static void WriteArray<T>(BinaryWriter writer, T[] values)
        where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void WriteOptional(BinaryWriter writer, int[]? values)
    {
        writer.Write(values is not null);
        if (values is not null)
        {
            WriteArray(writer, values);
        }
    }

    private static T[] ReadArray<T>(BinaryReader reader)
        where T : unmanaged
    {
        int length = reader.ReadInt32();
        var values = new T[length];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (reader.Read(bytes) != bytes.Length)
        {
            throw new InvalidDataException("the payload ends inside an array");
        }

        return values;
    }
}
