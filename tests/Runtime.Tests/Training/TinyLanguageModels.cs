using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Training;

namespace SparseDsl.Runtime.Tests.Training;

/// <summary>Small language models built straight from a spec, with the shape structs the generator would emit.</summary>
internal static class TinyLanguageModels
{
    public static ModelSpec Spec(
        int vocab, int width, int context, int heads, int ratio, int count,
        string mlp = "gelu", string norm = "layernorm", string positions = "learned", bool tied = true, double sparsity = 0, string? sparse = null) =>
        new("Tests", "TinyLm", Loss.NextToken, sparsity, Distribution.Uniform, EquatableArray.ToEquatableArray(new[]
        {
            new LayerSpec("Tokens", LayerKind.Embedding, width, Activation.None, true, null, null) { Embedding = new EmbeddingSpec(vocab, context) },
            new LayerSpec("Blocks", LayerKind.TransformerBlock, 0, Activation.None, false, sparse is null ? null : Expressions.ParsePattern(sparse).Value, null)
            {
                Block = new BlockSpec(heads, ratio, count, mlp, norm, positions),
            },
            new LayerSpec("Final", LayerKind.LayerNorm, 0, Activation.None, false, null, null),
            new LayerSpec("Head", LayerKind.Unembedding, 0, Activation.None, true, null, null) { TiedTo = tied ? "Tokens" : null },
        }));

    public readonly struct Width8 : ILayerShape
    {
        public static int In => 8;

        public static int Out => 8;
    }

    public readonly struct Up8To16 : ILayerShape
    {
        public static int In => 8;

        public static int Out => 16;
    }

    public readonly struct Down16To8 : ILayerShape
    {
        public static int In => 16;

        public static int Out => 8;
    }

    public readonly struct Width32 : ILayerShape
    {
        public static int In => 32;

        public static int Out => 32;
    }

    public readonly struct Up32To64 : ILayerShape
    {
        public static int In => 32;

        public static int Out => 64;
    }

    public readonly struct Down64To32 : ILayerShape
    {
        public static int In => 64;

        public static int Out => 32;
    }
}
