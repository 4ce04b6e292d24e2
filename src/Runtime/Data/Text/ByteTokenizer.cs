using System.Text;

namespace SparseDsl.Data;

/// <summary>Turns text into token ids in [0, <see cref="VocabSize"/>) and back.</summary>
public interface ITokenizer
{
    /// <summary>A short name stored with a run (<c>bytes</c>).</summary>
    string Name { get; }

    int VocabSize { get; }

    int[] Encode(string text);

    string Decode(ReadOnlySpan<int> tokens);
}

/// <summary>
/// Byte-level tokens (vocab 256), the default: a token is one byte of the text's UTF-8 encoding, so every text
/// encodes and no token is unknown. Decoding bytes that cut a character in two gives U+FFFD for the pieces.
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    public static ByteTokenizer Instance { get; } = new();

    private ByteTokenizer()
    {
    }

    public string Name => "bytes";

    public int VocabSize => 256;

    public int[] Encode(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            tokens[i] = bytes[i];
        }

        return tokens;
    }

    public string Decode(ReadOnlySpan<int> tokens)
    {
        var bytes = new byte[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] > 255)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"token {i} is not a byte");
            }

            bytes[i] = (byte)tokens[i];
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
